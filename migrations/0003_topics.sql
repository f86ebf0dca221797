-- Topic prompts: the config's pool, admins' additions and approved member
-- suggestions, drawn as a shuffle bag that survives restarts.

CREATE TABLE topics (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    text            TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('config', 'admin', 'suggestion')),
    -- pending: a suggestion awaiting approval; retired: gone from the config.
    status          TEXT NOT NULL CHECK (status IN ('active', 'pending', 'retired')),
    suggested_by    INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    -- The bag round in which the topic was last drawn (0 = never): a topic is
    -- drawn again only after every active topic has had its turn.
    drawn_round     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (community_id, text)
);

-- Each topic the bot posted; the latest one is the community's current topic.
CREATE TABLE topic_posts (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    topic_id        INTEGER NOT NULL REFERENCES topics(id),
    schedule_id     TEXT NOT NULL,
    slot            TEXT NOT NULL,
    posted_at       TEXT NOT NULL,
    UNIQUE (community_id, schedule_id, slot)
);
CREATE INDEX topic_posts_latest ON topic_posts(community_id, id);
