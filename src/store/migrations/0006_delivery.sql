-- Delivery: every attempt of every message, the provider's references and
-- the receipts that come back. A message a provider took is `sent`; it is
-- `delivered` or `failed` once the receipts for all its parts say so, or at
-- once when the channel gives no receipts (an SMTP relay's acceptance is the
-- last word we get).
ALTER TABLE notify_outbox DROP CONSTRAINT notify_outbox_status_check;
ALTER TABLE notify_outbox ADD CONSTRAINT notify_outbox_status_check
  CHECK (status IN ('held', 'pending', 'sending', 'sent', 'delivered', 'failed', 'expired', 'cancelled'));
ALTER TABLE notify_outbox ADD COLUMN provider text;
ALTER TABLE notify_outbox ADD COLUMN sent_at timestamptz;
ALTER TABLE notify_outbox ADD COLUMN receipt_detail text;
ALTER TABLE notify_outbox ADD COLUMN attempt_started_at timestamptz;

-- One row per attempt, written with the outcome it had, in the same
-- transaction as the message's status change.
CREATE TABLE notify_attempts (
  message_id text NOT NULL REFERENCES notify_outbox (id) ON DELETE CASCADE,
  attempt int NOT NULL,
  provider text NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'throttled', 'unavailable', 'outcome_unknown', 'timeout', 'failed', 'lease_lost', 'circuit_open')),
  provider_id text,
  error text,
  PRIMARY KEY (message_id, attempt)
);

-- Every id a receipt may name (one per SMS part), per provider.
CREATE TABLE notify_provider_refs (
  provider text NOT NULL,
  ref text NOT NULL,
  message_id text NOT NULL REFERENCES notify_outbox (id) ON DELETE CASCADE,
  PRIMARY KEY (provider, ref)
);
CREATE INDEX notify_provider_refs_message ON notify_provider_refs (message_id);

-- Receipts as they arrive, matched or not: a receipt can overtake the
-- worker's own record of the acceptance (an SMS centre answering fast).
CREATE TABLE notify_receipts (
  provider text NOT NULL,
  ref text NOT NULL,
  status text NOT NULL CHECK (status IN ('delivered', 'failed')),
  detail text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (provider, ref)
);
