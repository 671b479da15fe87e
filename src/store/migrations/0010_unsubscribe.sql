-- Notices to status subscribers carry a one-click unsubscribe address, sent
-- as RFC 8058 List-Unsubscribe headers by the e-mail channel.
ALTER TABLE notify_outbox ADD COLUMN unsubscribe_url text;
