-- Weekly challenges: open (submissions) → voting → closed (winners paid).

CREATE TABLE challenges (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    theme           TEXT NOT NULL,
    phase           TEXT NOT NULL CHECK (phase IN ('open', 'voting', 'closed')),
    opened_at       TEXT NOT NULL,
    voting_at       TEXT,
    closed_at       TEXT
);
-- At most one running challenge per community.
CREATE UNIQUE INDEX challenges_one_running ON challenges(community_id) WHERE phase != 'closed';

CREATE TABLE challenge_entries (
    id              INTEGER PRIMARY KEY,
    challenge_id    INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    submitted_at    TEXT NOT NULL,
    -- Rank at close (1 = winner); NULL while running or when unplaced.
    place           INTEGER,
    UNIQUE (challenge_id, member_id)
);

CREATE TABLE challenge_votes (
    challenge_id    INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    voter_id        INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    entry_id        INTEGER NOT NULL REFERENCES challenge_entries(id) ON DELETE CASCADE,
    voted_at        TEXT NOT NULL,
    PRIMARY KEY (challenge_id, voter_id)
);

-- Which configured theme comes next, and a theme an admin queued.
CREATE TABLE challenge_themes (
    community_id    INTEGER PRIMARY KEY REFERENCES communities(id),
    next_index      INTEGER NOT NULL DEFAULT 0,
    queued_theme    TEXT
);
