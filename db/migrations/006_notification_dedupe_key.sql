-- notifications.template never held a template name: it holds the key that lets a mail go out once per claim
-- (a customer notice key, or the SLA event key of a staff alert). Name the column for what it stores.
ALTER TABLE notifications RENAME COLUMN template TO dedupe_key;
COMMENT ON COLUMN notifications.dedupe_key IS 'Once-per-claim key of this mail; a retried activity finds it and does not send again';
