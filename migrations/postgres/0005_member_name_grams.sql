-- From ../0018_member_name_grams.sql: a name search of one or two
-- characters finds its candidates by equality (see there). pg_trgm cannot
-- help a part shorter than a trigram.
CREATE TABLE member_name_grams (
    community_id BIGINT NOT NULL,
    gram         TEXT COLLATE "C" NOT NULL,
    member_id    BIGINT NOT NULL,
    PRIMARY KEY (community_id, gram, member_id)
);

-- The distinct substrings of one and two characters of `lower(name)`:
-- `lower` of the column's collation ("C"), as the search applies it.
CREATE FUNCTION member_name_grams_of(name TEXT) RETURNS SETOF TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT DISTINCT substr(lower(name COLLATE "C"), n, width)
    FROM generate_series(1, length(name)) AS n, (VALUES (1), (2)) AS widths (width)
    WHERE n + width - 1 <= length(name)
$$;

INSERT INTO member_name_grams (community_id, gram, member_id)
SELECT m.community_id, g.gram, m.id FROM members m, member_name_grams_of(m.name) AS g (gram);

-- A name's rows are found by its grams (the key's order), never by
-- reading the community's.
CREATE FUNCTION member_name_grams_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM member_name_grams
        WHERE community_id = OLD.community_id AND member_id = OLD.id
          AND gram IN (SELECT member_name_grams_of(OLD.name));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO member_name_grams (community_id, gram, member_id)
        SELECT NEW.community_id, g.gram, NEW.id FROM member_name_grams_of(NEW.name) AS g (gram)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER member_name_grams_added AFTER INSERT ON members
    FOR EACH ROW EXECUTE FUNCTION member_name_grams_kept();
CREATE TRIGGER member_name_grams_removed AFTER DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION member_name_grams_kept();
CREATE TRIGGER member_name_grams_renamed AFTER UPDATE OF name ON members
    FOR EACH ROW EXECUTE FUNCTION member_name_grams_kept();
