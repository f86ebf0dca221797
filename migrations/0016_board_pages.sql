-- Board pages at size (page 1,000 and a name search of a 100k board).
--
-- The bots of a community (who hold no points, but are excluded by rule)
-- through a small partial index, so the skipped part of a page is read
-- from `totals_by_rank` / `board_points_by_rank` alone. Before, every
-- skipped row was joined to its member to test `is_bot` (page 1,000:
-- 12.9 ms p99 here, 94.7 ms on PostgreSQL).
CREATE INDEX members_bots ON members (community_id) WHERE is_bot;

-- A name search (`LOWER(name) LIKE '%part%'`) reads the lowered names from
-- this index instead of every member row, lowering each.
CREATE INDEX members_by_name ON members (community_id, LOWER(name)) WHERE NOT is_bot;
