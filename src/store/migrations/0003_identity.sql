-- Identity: card-verification attempts and self-service locks per customer.
-- Neither PINs nor PIN blocks are ever stored: only that an attempt happened
-- and how it ended.

-- One row per customer who ever tried a verification. Its row lock
-- (SELECT ... FOR UPDATE) serialises the attempt count across concurrent
-- calls and processes.
CREATE TABLE identity_customers (
  customer_id text PRIMARY KEY,
  -- Self-service is locked until this time; NULL when never locked. Failures
  -- before it no longer count once it has passed.
  locked_until timestamptz,
  updated_at timestamptz NOT NULL
);

-- An attempt is reserved ('pending') before the bank is asked, then deleted
-- (verified, or the bank could not answer) or marked 'failed'. A pending one
-- left by a crashed process counts as a failure after a short TTL.
CREATE TABLE identity_attempts (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES identity_customers (customer_id),
  call_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'failed')),
  created_at timestamptz NOT NULL,
  settled_at timestamptz
);

CREATE INDEX identity_attempts_by_customer ON identity_attempts (customer_id, created_at);
