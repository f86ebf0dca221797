-- Small facts the bot keeps about itself between runs, e.g. the slash
-- commands last registered with Discord (registered again only on change).
CREATE TABLE bot_state (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);
