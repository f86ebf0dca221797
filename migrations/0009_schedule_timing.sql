-- The times a schedule's cursor was counted under: its cron expression and
-- its community's timezone. A schedule whose times changed while hearth was
-- down starts over at the next start instead of firing the new times' slots
-- since it last fired. NULL for cursors from before this migration: they
-- take the times in force at the next wake-up, unchanged otherwise.
ALTER TABLE schedule_cursors ADD COLUMN timing TEXT;
