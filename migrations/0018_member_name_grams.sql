-- Board name search for a part of one or two characters (a Chinese given
-- name, an initial): too short for a trigram, it tested every name of the
-- community (100k names: 38 ms p99). Each member's lowered name is kept
-- here as its distinct substrings of one and two characters, so such a
-- search finds its candidates by equality. Derived from `members.name` and
-- kept by the triggers below (no foreign key: like `member_names`, an index
-- of names, not data a copy carries); the same table and triggers exist on
-- PostgreSQL (postgres/0005_member_name_grams.sql).
CREATE TABLE member_name_grams (
    community_id INTEGER NOT NULL,
    gram         TEXT NOT NULL,
    member_id    INTEGER NOT NULL,
    PRIMARY KEY (community_id, gram, member_id)
) WITHOUT ROWID;

-- Every member's grams. `lower` is the search's own (`LOWER(name) LIKE`):
-- a part found by it is a substring of exactly this text.
INSERT OR IGNORE INTO member_name_grams (community_id, gram, member_id)
WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at WHERE n < (SELECT MAX(length(name)) FROM members))
SELECT m.community_id, substr(lower(m.name), at.n, w.width), m.id
FROM members m JOIN at ON at.n <= length(m.name) JOIN (SELECT 1 AS width UNION ALL SELECT 2) w
    ON at.n + w.width - 1 <= length(m.name);

-- A name's rows are found by its grams (the key's order), never by
-- reading the community's.
CREATE TRIGGER member_name_grams_added AFTER INSERT ON members
BEGIN
    INSERT OR IGNORE INTO member_name_grams (community_id, gram, member_id)
    WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at WHERE n < length(new.name))
    SELECT new.community_id, substr(lower(new.name), at.n, w.width), new.id
    FROM at JOIN (SELECT 1 AS width UNION ALL SELECT 2) w ON at.n + w.width - 1 <= length(new.name);
END;
CREATE TRIGGER member_name_grams_removed AFTER DELETE ON members
BEGIN
    DELETE FROM member_name_grams WHERE community_id = old.community_id AND member_id = old.id AND gram IN (
        WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at WHERE n < length(old.name))
        SELECT substr(lower(old.name), at.n, w.width)
        FROM at JOIN (SELECT 1 AS width UNION ALL SELECT 2) w ON at.n + w.width - 1 <= length(old.name));
END;
CREATE TRIGGER member_name_grams_renamed AFTER UPDATE OF name ON members
BEGIN
    DELETE FROM member_name_grams WHERE community_id = old.community_id AND member_id = old.id AND gram IN (
        WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at WHERE n < length(old.name))
        SELECT substr(lower(old.name), at.n, w.width)
        FROM at JOIN (SELECT 1 AS width UNION ALL SELECT 2) w ON at.n + w.width - 1 <= length(old.name));
    INSERT OR IGNORE INTO member_name_grams (community_id, gram, member_id)
    WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at WHERE n < length(new.name))
    SELECT new.community_id, substr(lower(new.name), at.n, w.width), new.id
    FROM at JOIN (SELECT 1 AS width UNION ALL SELECT 2) w ON at.n + w.width - 1 <= length(new.name);
END;
