-- Scheduler and outbox. A slot is claimed in the same transaction that writes
-- its posts to the outbox; delivery workers only ever read the outbox.

-- How far each schedule has been looked at. A schedule seen for the first
-- time starts at that moment: slots before it existed never fire.
CREATE TABLE schedule_cursors (
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    schedule_id     TEXT NOT NULL,
    checked_until   TEXT NOT NULL,
    PRIMARY KEY (community_id, schedule_id)
);

-- One row per fired slot: the primary key is what makes a slot fire once.
CREATE TABLE schedule_claims (
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    schedule_id     TEXT NOT NULL,
    -- Local wall time 'YYYY-MM-DDTHH:MM', or 'manual:…' for /post.
    slot            TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    claimed_at      TEXT NOT NULL,
    PRIMARY KEY (community_id, schedule_id, slot)
);

CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    community_id        INTEGER NOT NULL REFERENCES communities(id),
    schedule_id         TEXT NOT NULL,
    slot                TEXT NOT NULL,
    target              TEXT NOT NULL CHECK (target IN ('discord', 'telegram', 'console')),
    -- The post as a neutral Reply, JSON.
    body                TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TEXT NOT NULL,
    last_error          TEXT,
    platform_message_id TEXT,
    created_at          TEXT NOT NULL,
    sent_at             TEXT,
    UNIQUE (community_id, schedule_id, slot, target)
);
CREATE INDEX outbox_pending ON outbox(target, status, next_attempt_at);
