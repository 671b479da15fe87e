-- Incidents: what is down, maintenance windows, alerts for operators, the
-- audit trail of who said what, and which announcement a caller last heard.
-- Public texts are jsonb documents keyed by language: {"es": {"title": …, "message": …, "workaround": …}, "en": …}.

CREATE TABLE incidents_incident (
  id text PRIMARY KEY,
  visibility text NOT NULL CHECK (visibility IN ('draft', 'published')),
  status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  cause text NOT NULL CHECK (cause IN ('technical_fault', 'planned_maintenance', 'third_party', 'cyberattack', 'under_investigation')),
  -- Market ids (array); empty: every market.
  markets jsonb NOT NULL,
  text jsonb NOT NULL,
  next_update_at timestamptz,
  source text NOT NULL CHECK (source IN ('operator', 'maintenance_overrun', 'detector')),
  maintenance_id text,
  -- The start of the maintenance occurrence whose overrun drafted this incident.
  overrun_of timestamptz,
  -- Bumped by every public change: callers who heard version n hear the full announcement again at n+1.
  version int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  published_at timestamptz,
  resolved_at timestamptz,
  CONSTRAINT incidents_incident_published CHECK ((visibility = 'published') = (published_at IS NOT NULL)),
  CONSTRAINT incidents_incident_resolved CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);

-- One draft per overrun occurrence, whichever process noticed it first.
CREATE UNIQUE INDEX incidents_incident_overrun ON incidents_incident (maintenance_id, overrun_of) WHERE overrun_of IS NOT NULL;
CREATE INDEX incidents_incident_public ON incidents_incident (visibility, resolved_at);
CREATE INDEX incidents_incident_created ON incidents_incident (created_at DESC);

CREATE TABLE incidents_incident_component (
  incident_id text NOT NULL REFERENCES incidents_incident (id),
  component text NOT NULL,
  impact text NOT NULL CHECK (impact IN ('degraded', 'partial_outage', 'major_outage', 'under_maintenance')),
  position int NOT NULL,
  PRIMARY KEY (incident_id, component)
);

-- The timeline: every status change and public text, with its author.
CREATE TABLE incidents_update (
  id text PRIMARY KEY,
  incident_id text NOT NULL REFERENCES incidents_incident (id),
  seq int NOT NULL,
  status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  text jsonb,
  author text NOT NULL,
  at timestamptz NOT NULL,
  UNIQUE (incident_id, seq)
);

CREATE TABLE incidents_maintenance (
  id text PRIMARY KEY,
  markets jsonb NOT NULL,
  text jsonb NOT NULL,
  -- The first occurrence; later ones repeat it by the recurrence, computed in UTC.
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  recurrence jsonb,
  announce_before_ms double precision NOT NULL,
  -- The next occurrence not yet started (NULL: none left). tick() starts every occurrence due by now.
  next_start timestamptz,
  cancelled_at timestamptz,
  author text NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);

CREATE INDEX incidents_maintenance_due ON incidents_maintenance (next_start) WHERE next_start IS NOT NULL;

CREATE TABLE incidents_maintenance_component (
  maintenance_id text NOT NULL REFERENCES incidents_maintenance (id),
  component text NOT NULL,
  impact text NOT NULL CHECK (impact IN ('degraded', 'partial_outage', 'major_outage', 'under_maintenance')),
  position int NOT NULL,
  PRIMARY KEY (maintenance_id, component)
);

-- Occurrences that started or were called off; an occurrence without a row is still scheduled.
CREATE TABLE incidents_occurrence (
  maintenance_id text NOT NULL REFERENCES incidents_maintenance (id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  state text NOT NULL CHECK (state IN ('in_progress', 'completed', 'overrun', 'cancelled')),
  started_at timestamptz,
  -- When the work actually ended (an overrun stays open until an operator completes it).
  ended_at timestamptz,
  PRIMARY KEY (maintenance_id, starts_at)
);

CREATE INDEX incidents_occurrence_open ON incidents_occurrence (state, ends_at) WHERE state IN ('in_progress', 'overrun');

CREATE TABLE incidents_alert (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('maintenance_overrun', 'outage_suspected')),
  message text NOT NULL,
  draft_incident_id text REFERENCES incidents_incident (id),
  maintenance_id text,
  occurrence_start timestamptz,
  created_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  -- At most one overrun alert per occurrence.
  UNIQUE (maintenance_id, occurrence_start)
);

CREATE INDEX incidents_alert_created ON incidents_alert (created_at DESC);

CREATE TABLE incidents_audit (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  author text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  detail jsonb NOT NULL
);

CREATE INDEX incidents_audit_at ON incidents_audit (at DESC);

-- The last announcement each caller heard in full, for the short version on a repeat call.
-- The number is kept only as an HMAC-SHA256 under the line's key, and rows are
-- deleted by tick() once older than the repeat window (30 minutes).
CREATE TABLE incidents_heard (
  caller_hash text PRIMARY KEY,
  signature text NOT NULL,
  heard_at timestamptz NOT NULL
);

CREATE INDEX incidents_heard_at ON incidents_heard (heard_at);
