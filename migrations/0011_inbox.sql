-- Platform updates accepted before they are handled (Telegram's webhook):
-- a row is committed before the POST is answered 200, so an update Telegram
-- will never send again survives a crash or a restart. `done_at` is set in
-- the transaction that holds the update's effect. Done rows stay a while so
-- a redelivered update id is recognised and changes nothing.
CREATE TABLE inbox (
    platform     TEXT NOT NULL,
    update_id    INTEGER NOT NULL,
    -- the chat whose lane handles it, in order; NULL for an update without one
    chat_id      INTEGER,
    body         TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    done_at      TEXT,
    PRIMARY KEY (platform, update_id)
) WITHOUT ROWID;

CREATE INDEX inbox_pending ON inbox (platform, update_id) WHERE done_at IS NULL;
-- Finished rows by age: each batch that records updates forgets as many old ones.
CREATE INDEX inbox_done ON inbox (done_at) WHERE done_at IS NOT NULL;
