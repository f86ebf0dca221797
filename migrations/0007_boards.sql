-- Leaderboards that are read, not computed: points per member per week and
-- month window (`board_points`), and how many members of a board hold each
-- points value (`board_counts`), so a rank is a sum over distinct values
-- instead of a count over members. Triggers keep both in step with the
-- ledger and the totals, including forget-me cascades and totals rebuilds.

-- The community's local day of the row (the window it counts in). Rows from
-- before this migration get their UTC day.
ALTER TABLE ledger ADD COLUMN local_day TEXT;
DROP TRIGGER ledger_is_append_only;
UPDATE ledger SET local_day = substr(at, 1, 10);
CREATE TRIGGER ledger_is_append_only BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'ledger rows are never updated');
END;

-- board: 'week:<Monday>' or 'month:<first day>' in local days.
CREATE TABLE board_points (
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    board           TEXT NOT NULL,
    points          INTEGER NOT NULL,
    PRIMARY KEY (member_id, board)
);
CREATE INDEX board_points_by_rank ON board_points(community_id, board, points DESC, member_id);

-- board: 'all' (from totals) or as in board_points. Rows whose count fell
-- to zero stay; a rank sums over them harmlessly.
CREATE TABLE board_counts (
    community_id    INTEGER NOT NULL,
    board           TEXT NOT NULL,
    points          INTEGER NOT NULL,
    members         INTEGER NOT NULL,
    PRIMARY KEY (community_id, board, points)
);

CREATE TRIGGER ledger_moves_boards AFTER INSERT ON ledger WHEN new.local_day IS NOT NULL
BEGIN
    INSERT INTO board_points (member_id, community_id, board, points)
    VALUES (new.member_id, new.community_id, 'week:' || date(new.local_day, '-6 days', 'weekday 1'), new.delta),
           (new.member_id, new.community_id, 'month:' || date(new.local_day, 'start of month'), new.delta)
    ON CONFLICT (member_id, board) DO UPDATE SET points = points + excluded.points;
END;

CREATE TRIGGER board_points_counted AFTER INSERT ON board_points
BEGIN
    INSERT INTO board_counts VALUES (new.community_id, new.board, new.points, 1)
    ON CONFLICT DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER board_points_recounted AFTER UPDATE OF points ON board_points
BEGIN
    UPDATE board_counts SET members = members - 1
    WHERE community_id = old.community_id AND board = old.board AND points = old.points;
    INSERT INTO board_counts VALUES (new.community_id, new.board, new.points, 1)
    ON CONFLICT DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER board_points_uncounted AFTER DELETE ON board_points
BEGIN
    UPDATE board_counts SET members = members - 1
    WHERE community_id = old.community_id AND board = old.board AND points = old.points;
END;

CREATE TRIGGER totals_counted AFTER INSERT ON totals
BEGIN
    INSERT INTO board_counts VALUES (new.community_id, 'all', new.balance, 1)
    ON CONFLICT DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER totals_recounted AFTER UPDATE OF balance ON totals
BEGIN
    UPDATE board_counts SET members = members - 1
    WHERE community_id = old.community_id AND board = 'all' AND points = old.balance;
    INSERT INTO board_counts VALUES (new.community_id, 'all', new.balance, 1)
    ON CONFLICT DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER totals_uncounted AFTER DELETE ON totals
BEGIN
    UPDATE board_counts SET members = members - 1
    WHERE community_id = old.community_id AND board = 'all' AND points = old.balance;
END;

-- What the ledger held before this migration.
INSERT INTO board_points (member_id, community_id, board, points)
SELECT member_id, community_id, 'week:' || date(local_day, '-6 days', 'weekday 1'), SUM(delta)
FROM ledger GROUP BY member_id, community_id, date(local_day, '-6 days', 'weekday 1');
INSERT INTO board_points (member_id, community_id, board, points)
SELECT member_id, community_id, 'month:' || date(local_day, 'start of month'), SUM(delta)
FROM ledger GROUP BY member_id, community_id, date(local_day, 'start of month');
INSERT INTO board_counts (community_id, board, points, members)
SELECT community_id, 'all', balance, COUNT(*) FROM totals GROUP BY community_id, balance
ON CONFLICT DO UPDATE SET members = members + excluded.members;
