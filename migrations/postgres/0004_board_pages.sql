-- From ../0016_board_pages.sql: board pages at size (see there).
CREATE INDEX members_bots ON members (community_id) WHERE is_bot;

-- A name search (`LOWER(name) LIKE '%part%'`) through a trigram index
-- (pg_trgm, shipped with PostgreSQL and trusted, so a database owner may
-- create it). Where the extension cannot be created or its operator class
-- is not on the search path, the same index SQLite has: the search then
-- reads the lowered names from it.
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX members_by_name ON members USING gin (lower(name) gin_trgm_ops) WHERE NOT is_bot;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm unavailable (%): board name search uses a b-tree index', SQLERRM;
        CREATE INDEX members_by_name ON members (community_id, lower(name)) WHERE NOT is_bot;
    END;
END
$$;
