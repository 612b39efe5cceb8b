-- Remedy ledger: what every credit and refund remedies, across all claims.
--
-- A claim reserves the items it would pay (a hold, state 'pending') in the same transaction in which the
-- engine assesses it; the hold becomes 'remedied' in the transaction that writes the credit or the payout,
-- and 'released' when the claim is denied, withdrawn or abandoned. PostgreSQL enforces the limits:
--   * a request id has at most one live (pending or remedied) hold across all claims (unique index);
--   * the live holds against a charge never sum above the charge's amount (trigger under a row lock on
--     the charge, so two concurrent transactions cannot both pass the check).
CREATE TABLE remedy_holds (
  id              BIGSERIAL PRIMARY KEY,
  claim_id        TEXT NOT NULL REFERENCES claims (id),
  account_id      TEXT NOT NULL REFERENCES accounts (id),
  request_id      TEXT REFERENCES usage_requests (request_id),
  transaction_id  TEXT REFERENCES charges (transaction_id),
  amount_minor    BIGINT NOT NULL CHECK (amount_minor >= 0),
  currency        CHAR(3) NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'remedied', 'released')),
  -- The remedy that went out for this item once remedied: credit, service_credit or refund.
  remedy          TEXT CHECK (remedy IN ('credit', 'service_credit', 'refund')),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((request_id IS NULL) <> (transaction_id IS NULL)),
  CHECK ((state = 'remedied') = (remedy IS NOT NULL))
);
CREATE UNIQUE INDEX remedy_holds_claim_request_idx ON remedy_holds (claim_id, request_id) WHERE request_id IS NOT NULL;
CREATE UNIQUE INDEX remedy_holds_claim_charge_idx ON remedy_holds (claim_id, transaction_id) WHERE transaction_id IS NOT NULL;
-- A request is remedied at most once across all claims.
CREATE UNIQUE INDEX remedy_holds_one_live_per_request_idx ON remedy_holds (request_id)
  WHERE request_id IS NOT NULL AND state <> 'released';
CREATE INDEX remedy_holds_charge_idx ON remedy_holds (transaction_id) WHERE transaction_id IS NOT NULL AND state <> 'released';
CREATE INDEX remedy_holds_account_idx ON remedy_holds (account_id);

-- Claims waiting for another claim's pending hold; woken when the holder settles.
CREATE TABLE remedy_waiters (
  claim_id      TEXT NOT NULL REFERENCES claims (id),
  held_by       TEXT NOT NULL REFERENCES claims (id),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (claim_id, held_by)
);
CREATE INDEX remedy_waiters_held_by_idx ON remedy_waiters (held_by);

-- Backfill before the limit trigger exists: the desk's past remedies become remedied holds, so the
-- engine sees them. Requests come from paid findings (first claim wins if history paid one twice).
INSERT INTO remedy_holds (claim_id, account_id, request_id, amount_minor, currency, state, remedy)
SELECT DISTINCT ON (f->>'requestId') c.id, c.account_id, f->>'requestId', (f->'refundable'->>'amountMinor')::bigint,
       f->'refundable'->>'currency', 'remedied', c.decision->>'remedy'
  FROM claims c CROSS JOIN LATERAL jsonb_array_elements(c.decision->'findings') f
 WHERE c.status IN ('approved', 'awaiting_payout', 'closed')
   AND c.decision->>'remedy' IN ('credit', 'service_credit', 'refund')
   AND (f->'refundable'->>'amountMinor')::bigint > 0
   AND EXISTS (SELECT 1 FROM usage_requests r WHERE r.request_id = f->>'requestId' AND r.account_id = c.account_id)
 ORDER BY f->>'requestId', c.submitted_at;
INSERT INTO remedy_holds (claim_id, account_id, transaction_id, amount_minor, currency, state, remedy)
SELECT c.id, c.account_id, ch.transaction_id, least(p.amount_minor, ch.amount_minor), p.currency, 'remedied', 'refund'
  FROM claims c
  JOIN payouts p ON p.claim_id = c.id
  JOIN charges ch ON ch.account_id = c.account_id AND ch.transaction_id = c.transaction_id
 WHERE jsonb_array_length(coalesce(c.decision->'findings', '[]')) = 0;

CREATE FUNCTION guard_charge_remedies() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  charge_amount BIGINT;
  held BIGINT;
BEGIN
  IF NEW.transaction_id IS NULL OR NEW.state = 'released' THEN
    RETURN NEW;
  END IF;
  -- The row lock serialises every hold on this charge; the sum below then sees all committed holds.
  -- A claim has one hold per charge (unique index), so its own row is the one being written or replaced.
  SELECT amount_minor INTO charge_amount FROM charges WHERE transaction_id = NEW.transaction_id FOR UPDATE;
  SELECT coalesce(sum(amount_minor), 0) INTO held FROM remedy_holds
   WHERE transaction_id = NEW.transaction_id AND state <> 'released' AND claim_id <> NEW.claim_id;
  IF held + NEW.amount_minor > charge_amount THEN
    RAISE EXCEPTION 'charge % would be remedied above its amount', NEW.transaction_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'remedy_holds_within_charge',
            DETAIL = format('remaining=%s charge=%s', charge_amount - held, charge_amount);
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER remedy_holds_within_charge
  BEFORE INSERT OR UPDATE ON remedy_holds
  FOR EACH ROW EXECUTE FUNCTION guard_charge_remedies();

-- Remedied is final: the money went out.
CREATE FUNCTION keep_remedied_holds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'remedy holds are never deleted';
  END IF;
  IF OLD.state = 'remedied' AND (NEW.state, NEW.amount_minor) IS DISTINCT FROM (OLD.state, OLD.amount_minor) THEN
    RAISE EXCEPTION 'a remedied hold is final';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER remedy_holds_final
  BEFORE UPDATE OR DELETE ON remedy_holds
  FOR EACH ROW EXECUTE FUNCTION keep_remedied_holds();

-- The reference finance gave when confirming a payout: confirming again with it is the same confirmation.
ALTER TABLE payouts ADD COLUMN confirmed_reference TEXT;
UPDATE payouts SET confirmed_reference = processor_ref WHERE status = 'confirmed';
