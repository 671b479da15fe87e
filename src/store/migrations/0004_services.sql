-- Services: one row per change asked of the bank on a caller's behalf. The
-- bank may be a remote system, so its change cannot share our transaction:
-- the row is written (status 'started') together with the messages that
-- announce the change (held in the outbox), then the bank is called with the
-- row id as idempotency key, then the row is settled together with the
-- release (or cancellation) of the messages. reconcile() finishes rows a
-- crash or an unavailable bank left 'started'.
CREATE TABLE services_actions (
  -- Also the idempotency key given to the bank.
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('ebanking_recovery', 'phonebanking_recovery', 'operation_unlock', 'signature_unlock')),
  customer_id text NOT NULL,
  call_id text NOT NULL,
  -- The operation, for operation_unlock.
  reference text,
  status text NOT NULL CHECK (status IN ('started', 'done', 'failed', 'cancelled')),
  -- Outbox messages held until the bank confirms (jsonb array of ids).
  message_ids jsonb NOT NULL,
  -- The secret given to the bank, AES-256-GCM sealed with the row id as
  -- associated data, kept only so a retry repeats the very same request.
  secret_sealed text,
  secret_expires_at timestamptz,
  -- A process working on the row holds it until then; reconcile() waits.
  lease_until timestamptz NOT NULL,
  attempts int NOT NULL DEFAULT 1,
  -- Error code of the last bank call that did not succeed (never a message).
  last_error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  settled_at timestamptz,
  -- The wipe is an invariant: a settled action holds no secret.
  CONSTRAINT services_actions_secret_wiped CHECK (status = 'started' OR secret_sealed IS NULL)
);

CREATE INDEX services_actions_started ON services_actions (lease_until) WHERE status = 'started';
CREATE INDEX services_actions_by_call ON services_actions (call_id);
