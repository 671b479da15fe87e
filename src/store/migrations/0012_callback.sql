-- Calls the line places (the signing key's call-back) are recorded with the
-- others, marked outbound, so the outage detector counts only callers.
ALTER TABLE calls ADD COLUMN direction text NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound'));

-- Call-backs asked for on an inbound call: one row per request, dialled by
-- whichever process claims it (a lease, as the outbox does). No secret is
-- kept: the key is issued only when the customer answers and asks for it.
CREATE TABLE callback_requests (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  -- The operation whose signing key is delivered.
  reference text NOT NULL,
  -- The registered mobile, as the bank had it when the call-back was asked for (E.164).
  number text NOT NULL,
  language text NOT NULL,
  -- The inbound call that asked for it.
  source_call_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'dialing', 'done', 'failed', 'expired')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz,
  leased_by text,
  -- Why the last attempt did not deliver (busy, no_answer, …), or the outbound call's outcome.
  last_result text,
  -- The outbound calls placed for it, in order (their ids in calls).
  call_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- One open call-back per operation: asking again while one is on its way does not call twice.
CREATE UNIQUE INDEX callback_requests_open ON callback_requests (customer_id, reference) WHERE status IN ('pending', 'dialing');
CREATE INDEX callback_requests_due ON callback_requests (next_attempt_at) WHERE status = 'pending';
