-- The only change to a ledger row is forgetting its actor: when the member
-- who caused a row (a giver, an awarding admin) asks `/forgetme`, the row
-- stays in the receiver's ledger with its delta, its actor becomes NULL,
-- and a reason that named the actor (the default peer award wording) is
-- replaced by one that does not. Everything else is refused.
DROP TRIGGER ledger_is_append_only;
CREATE TRIGGER ledger_is_append_only BEFORE UPDATE ON ledger
WHEN NOT (
    old.actor_member_id IS NOT NULL AND new.actor_member_id IS NULL
    AND new.id = old.id
    AND new.community_id = old.community_id
    AND new.member_id = old.member_id
    AND new.delta = old.delta
    AND new.kind = old.kind
    AND new.at = old.at
    AND new.idempotency_key = old.idempotency_key
    AND new.local_day IS old.local_day
)
BEGIN
    SELECT RAISE(ABORT, 'ledger rows are never updated');
END;
