-- From ../0014_web.sql: the web dashboard's login links and sessions, kept
-- as SHA-256 hashes of their tokens.
CREATE TABLE web_logins (
    token_hash    TEXT COLLATE "C" PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    member_id     BIGINT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    created_at    TEXT COLLATE "C" NOT NULL,
    expires_at    TEXT COLLATE "C" NOT NULL,
    used_at       TEXT COLLATE "C"
);

CREATE TABLE web_sessions (
    token_hash    TEXT COLLATE "C" PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    member_id     BIGINT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    csrf          TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    expires_at    TEXT COLLATE "C" NOT NULL
);

CREATE INDEX web_logins_by_expiry ON web_logins (expires_at);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
