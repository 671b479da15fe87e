-- Bank: the embedded reference bank. It never stores a PIN, a temporary
-- password or a code in clear: cards keep a Visa PVV, long-term passwords an
-- scrypt hash, and short-lived secrets an HMAC under the bank's secret key.

CREATE TABLE bank_customers (
  id text PRIMARY KEY,
  name text NOT NULL,
  document_type text NOT NULL CHECK (document_type IN ('DNI', 'NIE', 'CIF', 'PASSPORT')),
  document_number text NOT NULL UNIQUE,
  phones jsonb NOT NULL,
  mobile text,
  mobile_sim_changed_at timestamptz,
  email text,
  language text NOT NULL,
  signature_status text NOT NULL CHECK (signature_status IN ('active', 'blocked')),
  created_at timestamptz NOT NULL
);

-- The PAN is synthetic (the dataset gives only the last 4 digits); the PVV
-- is computed under the PVK with index pvki.
CREATE TABLE bank_cards (
  customer_id text NOT NULL REFERENCES bank_customers (id),
  last4 text NOT NULL,
  pan text NOT NULL,
  pvki int NOT NULL,
  pvv text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('debit', 'credit')),
  status text NOT NULL CHECK (status IN ('active', 'blocked', 'expired', 'cancelled')),
  PRIMARY KEY (customer_id, last4)
);

-- E-banking and phone-banking users. password_hash is the long-term
-- password (scrypt), NULL until the customer sets one.
CREATE TABLE bank_users (
  customer_id text NOT NULL REFERENCES bank_customers (id),
  service text NOT NULL CHECK (service IN ('ebanking', 'phonebanking')),
  username text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'locked', 'password_change_required')),
  password_hash text,
  failed_logins int NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (customer_id, service),
  UNIQUE (service, username)
);

CREATE TABLE bank_operations (
  reference text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES bank_customers (id),
  status text NOT NULL CHECK (status IN ('blocked', 'pending_signature', 'unlocked', 'signed', 'cancelled')),
  kind text NOT NULL,
  amount text NOT NULL,
  currency text NOT NULL,
  payee text NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE INDEX bank_operations_by_customer ON bank_operations (customer_id);

-- Short-lived secrets: temporary passwords, access codes, unlock codes and
-- signing keys, as HMAC-SHA256 under the bank's secret key (with a context
-- binding each to its purpose, and a signing key to its operation's amount
-- and payee). Single use (used_at), expiring, revocable, with a count of
-- wrong attempts after which the secret is dead.
CREATE TABLE bank_secrets (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES bank_customers (id),
  kind text NOT NULL CHECK (kind IN ('ebanking_password', 'phonebanking_code', 'operation_unlock', 'signing_key')),
  reference text,
  hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  failed_attempts int NOT NULL DEFAULT 0,
  idempotency_key text,
  created_at timestamptz NOT NULL
);

CREATE INDEX bank_secrets_by_customer ON bank_secrets (customer_id, kind);
CREATE INDEX bank_secrets_by_reference ON bank_secrets (reference, kind) WHERE reference IS NOT NULL;

-- Processed state-changing requests: a repeat with the same key gets the
-- stored answer and changes nothing. request_hash (HMAC of the request)
-- tells a true repeat from a different request reusing the key.
CREATE TABLE bank_idempotency (
  operation text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  response jsonb,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (operation, idempotency_key)
);
