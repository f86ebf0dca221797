-- Foundation schema. Times are UTC, stored as 'YYYY-MM-DDTHH:MM:SSZ' text so
-- that text order is time order. Local days are 'YYYY-MM-DD' in the
-- community's own calendar.

CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    name            TEXT NOT NULL,
    is_bot          INTEGER NOT NULL DEFAULT 0,
    joined_at       TEXT NOT NULL,
    -- Streak state as of the last check-in; the domain derives today's view.
    streak          INTEGER NOT NULL DEFAULT 0,
    best_streak     INTEGER NOT NULL DEFAULT 0,
    freezes         INTEGER NOT NULL DEFAULT 0,
    last_checkin_day TEXT
);
CREATE INDEX members_by_community ON members(community_id);

-- Kept apart from members: one person may later own identities on several platforms.
CREATE TABLE identities (
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    platform        TEXT NOT NULL CHECK (platform IN ('discord', 'telegram', 'console')),
    user_id         TEXT NOT NULL,
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    PRIMARY KEY (community_id, platform, user_id)
);
CREATE INDEX identities_by_member ON identities(member_id);

CREATE TABLE checkins (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    local_day   TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT,
    UNIQUE (member_id, local_day)
);

-- Append-only: rows are never updated (see the trigger). `forgetme` deletes a member's rows.
CREATE TABLE ledger (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    delta           INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL,
    at              TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    -- Who caused the row (the giver of a peer award, the admin of an award).
    actor_member_id INTEGER REFERENCES members(id) ON DELETE SET NULL
);
CREATE INDEX ledger_by_community_time ON ledger(community_id, at);
CREATE INDEX ledger_by_member ON ledger(member_id, kind);
CREATE INDEX ledger_by_actor ON ledger(actor_member_id, kind, at);

CREATE TRIGGER ledger_is_append_only BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'ledger rows are never updated');
END;

-- A cache of SUM(delta) per member, written in the same transaction as the ledger.
CREATE TABLE totals (
    member_id       INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    balance         INTEGER NOT NULL
);
CREATE INDEX totals_by_rank ON totals(community_id, balance DESC);

CREATE TABLE badges_awarded (
    member_id   INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    badge_id    TEXT NOT NULL,
    awarded_at  TEXT NOT NULL,
    PRIMARY KEY (member_id, badge_id)
);
