-- Inputs (#12 §3): idempotency keys scoped per account, ledger signs and ranges enforced by the database too.

-- Earlier migrations in the same transaction may leave deferred trigger events (e.g. 002's backfill), and ALTER TABLE
-- refuses a table with pending ones: fire them now.
SET CONSTRAINTS ALL IMMEDIATE;

-- One account's Idempotency-Key never collides with another's: the key is unique per account, not globally.
ALTER TABLE claims DROP CONSTRAINT IF EXISTS claims_idempotency_key_key;
CREATE UNIQUE INDEX claims_account_idempotency_key_idx ON claims (account_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- A correction is its own record kind: a charge is positive, a correction (lowering an earlier charge) negative.
-- Every amount stays within ±10^12 minor units (common/money.ts MAX_AMOUNT_MINOR), so sums never overflow.
-- NOT VALID: rows imported before these rules stay as they were; every new row obeys them.
ALTER TABLE charges DROP CONSTRAINT IF EXISTS charges_kind_check;
ALTER TABLE charges ADD CONSTRAINT charges_kind_check
  CHECK (kind IN ('credit_purchase', 'usage', 'subscription', 'correction'));
ALTER TABLE charges ADD CONSTRAINT charges_amount_sign_check
  CHECK (CASE WHEN kind = 'correction' THEN amount_minor < 0 ELSE amount_minor > 0 END
         AND amount_minor BETWEEN -1000000000000 AND 1000000000000) NOT VALID;
ALTER TABLE usage_requests ADD CONSTRAINT usage_requests_amount_range_check
  CHECK (amount_minor <= 1000000000000) NOT VALID;
ALTER TABLE credit_grants ADD CONSTRAINT credit_grants_amount_range_check
  CHECK (amount_minor <= 1000000000000) NOT VALID;
