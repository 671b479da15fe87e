-- Incidents: status-alert subscribers (double opt-in) and outgoing webhooks.

-- One row per address and channel. The address is kept as normalised (it is
-- needed to send) and never logged. A subscription is 'pending' until its
-- confirmation link is opened; nothing but that one confirmation is sent to a
-- pending address. The confirmation token is stored only as an HMAC under
-- the line's secret key. A change asked for on a confirmed subscription waits
-- in `pending_change` until confirmed the same way, so nobody can change
-- someone else's alerts. Unsubscribing deletes the row.
CREATE TABLE incidents_subscriptions (
  id text PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  address text NOT NULL,
  language text NOT NULL,
  -- Component and market ids; empty: everything.
  components jsonb NOT NULL DEFAULT '[]'::jsonb,
  markets jsonb NOT NULL DEFAULT '[]'::jsonb,
  status text NOT NULL CHECK (status IN ('pending', 'confirmed')),
  pending_change jsonb,
  confirm_hash text UNIQUE,
  confirm_expires_at timestamptz,
  -- Confirmations sent: the last one, and how many since window_start (a rolling day).
  confirmation_sent_at timestamptz,
  confirmation_window_start timestamptz,
  confirmations_in_window int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  UNIQUE (channel, address),
  CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL))
);
CREATE INDEX incidents_subscriptions_confirmed ON incidents_subscriptions (status, id);

-- One row per (event, subscriber) that was given a message: the primary key
-- makes notify() write each message once, however often or wherever it runs.
CREATE TABLE incidents_subscription_notices (
  event_key text NOT NULL,
  subscription_id text NOT NULL REFERENCES incidents_subscriptions (id) ON DELETE CASCADE,
  outbox_id text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (event_key, subscription_id)
);

-- Outgoing webhooks: one row per (event, endpoint), delivered at least once.
-- `id` is the X-Clave-Delivery header, the same on every retry; `body` is the
-- exact JSON sent (and signed). Secrets stay in the configuration.
CREATE TABLE incidents_webhook_deliveries (
  id text PRIMARY KEY,
  event_key text NOT NULL,
  endpoint text NOT NULL,
  event_type text NOT NULL,
  body text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'dead')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  -- No retry is scheduled past this (a day after dispatch, or after a requeue): the row goes dead instead.
  give_up_at timestamptz NOT NULL,
  lease_owner text,
  lease_until timestamptz,
  last_error text,
  dead_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  delivered_at timestamptz,
  UNIQUE (event_key, endpoint)
);
CREATE INDEX incidents_webhook_deliveries_due ON incidents_webhook_deliveries (status, next_attempt_at);
CREATE INDEX incidents_webhook_deliveries_created ON incidents_webhook_deliveries (created_at DESC);
