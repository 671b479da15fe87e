-- Call records: one row per call, written when it starts (state live) and
-- completed once when it ends, with exactly one outcome.
CREATE TABLE calls (
  id text PRIMARY KEY,
  node_id text NOT NULL,
  channel text NOT NULL,
  dialed text NOT NULL,
  caller text NOT NULL,
  flow text NOT NULL,
  language text NOT NULL,
  state text NOT NULL CHECK (state IN ('live', 'ended')),
  outcome text,
  customer_id text,
  path jsonb NOT NULL DEFAULT '[]'::jsonb,
  transcript jsonb NOT NULL DEFAULT '[]'::jsonb,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  duration_ms integer,
  CHECK ((state = 'live') = (outcome IS NULL))
);
CREATE INDEX calls_started_idx ON calls (started_at DESC);
CREATE INDEX calls_caller_idx ON calls (caller, started_at DESC);
CREATE INDEX calls_outcome_idx ON calls (outcome, started_at DESC);
CREATE INDEX calls_live_idx ON calls (state) WHERE state = 'live';
