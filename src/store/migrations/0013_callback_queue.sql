-- The call-back queue's housekeeping runs on every tick of every process:
-- finding leases that ran out must not scan the whole history.
CREATE INDEX callback_requests_leased ON callback_requests (lease_until) WHERE status = 'dialing';
-- The operations API lists call-backs newest first.
CREATE INDEX callback_requests_created ON callback_requests (created_at DESC, id DESC);
