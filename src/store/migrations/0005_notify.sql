-- Notify: the transactional outbox. One row per message to a customer.
-- The secret (temporary password, access or unlock code) is stored only
-- AES-256-GCM sealed under the data key, with the message id as associated
-- data, and is wiped (NULL) as soon as the message reaches a final status.
CREATE TABLE notify_outbox (
  id text PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient text NOT NULL,
  template text NOT NULL,
  -- The language asked for, and the one used (English when it had no such template).
  requested_language text NOT NULL,
  language text NOT NULL,
  subject text,
  -- Parameters filled in, the secret kept as a {secret} slot: never the secret itself.
  body text NOT NULL,
  secret_sealed text,
  status text NOT NULL CHECK (status IN ('held', 'pending', 'sending', 'delivered', 'failed', 'expired', 'cancelled')),
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz,
  provider_id text,
  cancel_reason text,
  expires_at timestamptz,
  customer_id text,
  correlation_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  delivered_at timestamptz,
  -- The wipe is an invariant, not a habit: a final message cannot hold a secret.
  CONSTRAINT notify_outbox_secret_wiped CHECK (status IN ('held', 'pending', 'sending') OR secret_sealed IS NULL)
);

-- The worker's claim and expiry scans.
CREATE INDEX notify_outbox_due ON notify_outbox (status, next_attempt_at);
CREATE INDEX notify_outbox_created ON notify_outbox (created_at DESC);
CREATE INDEX notify_outbox_correlation ON notify_outbox (correlation_id) WHERE correlation_id IS NOT NULL;
