-- Callers refused at capacity (SIP 503, the softphone's AT_CAPACITY) leave no
-- call record; the outage detector must still see them, as calls offered.
-- Each process adds its counts per minute and dialed number.
CREATE TABLE call_refusals (
  minute timestamptz NOT NULL,
  dialed text NOT NULL,
  node_id text NOT NULL,
  n integer NOT NULL CHECK (n > 0),
  PRIMARY KEY (minute, dialed, node_id)
);
