-- The dashboard's rollups (issue 17): counts kept in the write transaction
-- that changes what they count, so a dashboard reads a few hundred rows
-- whatever the community's size. Aggregates only: `/forgetme` takes a
-- member's own rows (activity_days, member_rollups) with them, and the
-- counts they were part of stay as anonymous numbers. A community's rows are
-- rebuilt from the raw tables when `rollup_state` lacks it (databases from
-- before 0015, or copied by migrate-db, which leaves these tables out).

-- Who was active on which local day: a check-in, a ledger row received or
-- given, a challenge entry or vote.
CREATE TABLE activity_days (
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    local_day     TEXT NOT NULL,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    PRIMARY KEY (member_id, local_day)
) WITHOUT ROWID;

-- One row per member: the local day they joined (their cohort), their last
-- active day and how many of the 30 days up to it they were active on (the
-- at-risk list's first filter).
CREATE TABLE member_rollups (
    member_id        INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    community_id     INTEGER NOT NULL REFERENCES communities(id),
    joined_day       TEXT NOT NULL,
    last_active_day  TEXT,
    active_days_30   INTEGER NOT NULL DEFAULT 0
);
-- Covering the at-risk list's filter: no row is read for a member it leaves out.
CREATE INDEX member_rollups_by_last_active ON member_rollups (community_id, last_active_day, active_days_30);

-- Per community and local day. checkins, active_1 (members active that day)
-- and joined are that day's counts. The window columns are differences:
-- a day's value is the sum of the column over every day up to it
-- (active_7: members active in the 7 days ending that day; settled_14:
-- active in the 14 days ending that day and joined before them; core: with
-- as many check-ins in the 7 days ending that day as `/stats` asks of its
-- core members).
CREATE TABLE community_days (
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    local_day     TEXT NOT NULL,
    checkins      INTEGER NOT NULL DEFAULT 0,
    active_1      INTEGER NOT NULL DEFAULT 0,
    joined        INTEGER NOT NULL DEFAULT 0,
    active_7      INTEGER NOT NULL DEFAULT 0,
    active_30     INTEGER NOT NULL DEFAULT 0,
    active_90     INTEGER NOT NULL DEFAULT 0,
    settled_14    INTEGER NOT NULL DEFAULT 0,
    core          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, local_day)
) WITHOUT ROWID;

-- Check-ins per local day and local hour (the heatmap).
CREATE TABLE checkin_hours (
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    local_day     TEXT NOT NULL,
    hour          INTEGER NOT NULL,
    checkins      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, local_day, hour)
) WITHOUT ROWID;

-- Ledger rows and points per local day and kind.
CREATE TABLE ledger_days (
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    local_day     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    entries       INTEGER NOT NULL DEFAULT 0,
    points        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, local_day, kind)
) WITHOUT ROWID;

-- Members who joined in the week starting cohort_week and were active in
-- the week starting active_week.
CREATE TABLE cohort_weeks (
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    cohort_week   TEXT NOT NULL,
    active_week   TEXT NOT NULL,
    members       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, cohort_week, active_week)
) WITHOUT ROWID;

-- The communities whose rollups are complete, and by which rules.
CREATE TABLE rollup_state (
    community_id  INTEGER PRIMARY KEY REFERENCES communities(id),
    version       INTEGER NOT NULL
);

-- Live streaks for the streak-length chart.
CREATE INDEX members_by_checkin_day ON members (community_id, last_checkin_day);

-- The dashboard's topic replies of a range (partial: check-ins and gives,
-- most of the ledger, pay nothing for it).
CREATE INDEX ledger_topic_replies_by_day ON ledger (community_id, local_day) WHERE kind = 'topic_reply';
