-- The web dashboard's sign-in (issue 17). `/dashboard` gives an admin a
-- one-time login link; its POST turns it into a session cookie. Only a
-- SHA-256 hash of each token is kept, so a copy of the database opens no
-- dashboard. Rows go with their member (`/forgetme`).
CREATE TABLE web_logins (
    token_hash    TEXT PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    -- Set by the one POST that used the link; a second finds it set.
    used_at       TEXT
) WITHOUT ROWID;

CREATE TABLE web_sessions (
    token_hash    TEXT PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    -- The anti-CSRF token the session's forms carry.
    csrf          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
) WITHOUT ROWID;

-- Expired rows are forgotten by age.
CREATE INDEX web_logins_by_expiry ON web_logins (expires_at);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
