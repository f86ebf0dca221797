-- From ../0015_rollups.sql: the dashboard's rollups, kept in the write
-- transaction that changes what they count (see there).

-- Who was active on which local day: a check-in, a ledger row received or
-- given, a challenge entry or vote.
CREATE TABLE activity_days (
    member_id     BIGINT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    local_day     TEXT COLLATE "C" NOT NULL,
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    PRIMARY KEY (member_id, local_day)
);

-- One row per member: the local day they joined (their cohort), their last
-- active day and how many of the 30 days up to it they were active on (the
-- at-risk list's first filter).
CREATE TABLE member_rollups (
    member_id        BIGINT PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    community_id     BIGINT NOT NULL REFERENCES communities(id),
    joined_day       TEXT COLLATE "C" NOT NULL,
    last_active_day  TEXT COLLATE "C",
    active_days_30   BIGINT NOT NULL DEFAULT 0
);
-- Covering the at-risk list's filter: no row is read for a member it leaves out.
CREATE INDEX member_rollups_by_last_active ON member_rollups (community_id, last_active_day, active_days_30);

-- Per community and local day. checkins, active_1 (members active that day)
-- and joined are that day's counts. The window columns are differences:
-- a day's value is the sum of the column over every day up to it
-- (active_7: members active in the 7 days ending that day; settled_14:
-- active in the 14 days ending that day and joined before them; core: with
-- at least 3 check-ins in the 7 days ending that day).
CREATE TABLE community_days (
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    local_day     TEXT COLLATE "C" NOT NULL,
    checkins      BIGINT NOT NULL DEFAULT 0,
    active_1      BIGINT NOT NULL DEFAULT 0,
    joined        BIGINT NOT NULL DEFAULT 0,
    active_7      BIGINT NOT NULL DEFAULT 0,
    active_30     BIGINT NOT NULL DEFAULT 0,
    active_90     BIGINT NOT NULL DEFAULT 0,
    settled_14    BIGINT NOT NULL DEFAULT 0,
    core          BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, local_day)
);

-- Check-ins per local day and local hour (the heatmap).
CREATE TABLE checkin_hours (
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    local_day     TEXT COLLATE "C" NOT NULL,
    hour          BIGINT NOT NULL,
    checkins      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, local_day, hour)
);

-- Ledger rows and points per local day and kind.
CREATE TABLE ledger_days (
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    local_day     TEXT COLLATE "C" NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL,
    entries       BIGINT NOT NULL DEFAULT 0,
    points        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, local_day, kind)
);

-- Members who joined in the week starting cohort_week and were active in
-- the week starting active_week.
CREATE TABLE cohort_weeks (
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    cohort_week   TEXT COLLATE "C" NOT NULL,
    active_week   TEXT COLLATE "C" NOT NULL,
    members       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, cohort_week, active_week)
);

-- The communities whose rollups are complete, and by which rules.
CREATE TABLE rollup_state (
    community_id  BIGINT PRIMARY KEY REFERENCES communities(id),
    version       BIGINT NOT NULL
);

-- Live streaks for the streak-length chart.
CREATE INDEX members_by_checkin_day ON members (community_id, last_checkin_day);

-- The dashboard's topic replies of a range (partial: check-ins and gives,
-- most of the ledger, pay nothing for it).
CREATE INDEX ledger_topic_replies_by_day ON ledger (community_id, local_day) WHERE kind = 'topic_reply';
