-- The outage detector: its statistics (one row, so several processes take
-- turns on it and each minute is judged once), and the problems callers
-- report with the "report a problem" option.
CREATE TABLE incidents_detector (
  id int PRIMARY KEY CHECK (id = 1),
  state jsonb NOT NULL,
  -- The last whole minute judged.
  last_minute timestamptz
);

CREATE TABLE incidents_problem_report (
  id text PRIMARY KEY,
  component text NOT NULL,
  dialed text NOT NULL,
  market text,
  reported_at timestamptz NOT NULL
);
CREATE INDEX incidents_problem_report_at ON incidents_problem_report (reported_at);
