-- A claim stopped by a failure retrying cannot fix waits in `needs_attention` (workflows/claim-guard.ts):
-- the failure is kept on the claim for the staff queue, and counted for the alert metric
-- refund_desk_claims_needing_attention_total, in the same transaction as the claim's event.
ALTER TABLE claims ADD COLUMN attention JSONB;

CREATE INDEX claims_needs_attention_idx ON claims (updated_at) WHERE status = 'needs_attention';

ALTER TABLE claim_tallies DROP CONSTRAINT claim_tallies_metric_check;
ALTER TABLE claim_tallies ADD CONSTRAINT claim_tallies_metric_check CHECK (metric IN (
  'claims_received', 'decisions', 'sla_breaches', 'credits_issued_minor', 'refunds_paid_minor',
  'claims_needing_attention'));
