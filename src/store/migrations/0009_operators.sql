-- Operators: the named people who run the line, each with an own bearer
-- token, and the security mode they switch with four eyes (one proposes,
-- another approves), with the audit trail of both.

-- The token itself is never stored: only its HMAC-SHA256 under the operator
-- key (src/operators/token-hash.ts), shown once to its owner at creation.
CREATE TABLE operators_operator (
  name text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL
);

-- The mode in force: one row, changed only by an approved change or by its expiry.
CREATE TABLE operators_security_mode (
  id int PRIMARY KEY CHECK (id = 1),
  mode text NOT NULL CHECK (mode IN ('normal', 'heightened', 'lockdown')),
  reason text,
  since timestamptz,
  expires_at timestamptz,
  change_id text,
  proposed_by text,
  approved_by text,
  -- Bumped by every change: processes notice a change by it, and a pending
  -- change applies only to the version it was proposed on.
  version int NOT NULL,
  CHECK (mode <> 'normal' OR expires_at IS NULL)
);

INSERT INTO operators_security_mode (id, mode, version) VALUES (1, 'normal', 0);

CREATE TABLE operators_security_change (
  id text PRIMARY KEY,
  mode text NOT NULL CHECK (mode IN ('normal', 'heightened', 'lockdown')),
  reason text NOT NULL,
  expires_at timestamptz,
  proposed_by text NOT NULL,
  proposed_at timestamptz NOT NULL,
  -- A change not approved by then is expired.
  pending_until timestamptz NOT NULL,
  base_version int NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'applied', 'rejected', 'expired', 'superseded')),
  settled_by text,
  settled_at timestamptz,
  -- Four eyes, kept by the schema too: an applied change has an approver other than its proposer.
  CONSTRAINT operators_security_change_four_eyes CHECK (status <> 'applied' OR (settled_by IS NOT NULL AND settled_by <> proposed_by))
);

CREATE INDEX operators_security_change_pending ON operators_security_change (proposed_at) WHERE status = 'pending';

-- Who did what when: operators added and removed, changes proposed,
-- approved, refused, rejected, and modes that expired.
CREATE TABLE operators_audit (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  detail jsonb NOT NULL
);

CREATE INDEX operators_audit_at ON operators_audit (at DESC);
