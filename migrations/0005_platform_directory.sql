-- What the bot has seen of each platform, outside any community: the
-- @handles it can resolve to a user, and the chats it is (or was) in.

-- A handle (Telegram @username) last seen on a user. Handles move between
-- users, so the newest sighting wins.
CREATE TABLE handles (
    platform        TEXT NOT NULL,
    -- Lowercase, without the '@'.
    handle          TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    is_bot          INTEGER NOT NULL DEFAULT 0,
    seen_at         TEXT NOT NULL,
    PRIMARY KEY (platform, handle)
);

-- Chats the bot was added to or removed from. Delivery skips inactive chats.
CREATE TABLE chats (
    platform        TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    active          INTEGER NOT NULL,
    changed_at      TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
