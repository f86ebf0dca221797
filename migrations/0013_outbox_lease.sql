-- Several hearth processes may deliver from one outbox: a process takes the
-- posts it will send by leasing them, and the others pass them over until
-- the lease ends. A process that dies between taking a post and recording
-- it leaves the lease to run out, and the post is pending again. Both are
-- NULL for a post nobody holds; recording a delivery (or a failed attempt)
-- clears them.
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
-- Who holds the lease (host and process id), for an operator reading the table.
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
