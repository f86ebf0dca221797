-- Board name search on SQLite through FTS5's trigram tokenizer: a search
-- for a part of three characters or more (`name LIKE '%part%'`, no ESCAPE:
-- with one FTS5 does not use its index) finds its candidates here instead
-- of testing every name of the community (100k names: 34.5 ms p99). The
-- index holds no text of its own (external content: `members.name`), and
-- `secure-delete` removes a deleted name's trigrams at once, so a forgotten
-- member leaves nothing behind. Kept by the triggers below.
--
-- SQLite only: PostgreSQL searches through its pg_trgm `members_by_name`
-- (postgres/0004_board_pages.sql); the schema comparison skips these.
CREATE VIRTUAL TABLE member_names USING fts5(name, content = 'members', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO member_names (member_names, rank) VALUES ('secure-delete', 1);
INSERT INTO member_names (member_names) VALUES ('rebuild');

CREATE TRIGGER member_names_added AFTER INSERT ON members
BEGIN
    INSERT INTO member_names (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER member_names_removed AFTER DELETE ON members
BEGIN
    INSERT INTO member_names (member_names, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER member_names_renamed AFTER UPDATE OF name ON members
BEGIN
    INSERT INTO member_names (member_names, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO member_names (rowid, name) VALUES (new.id, new.name);
END;
