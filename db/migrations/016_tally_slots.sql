-- Every auto-credited claim bumped the one `decisions` row of its labels and the one `credits_issued_minor` row of
-- its currency. The row lock is held through the commit's WAL flush, so the decision and credit transactions of all
-- claims in flight queued behind each other (pg_stat_statements, `BENCH_PG_STATS=1 npm run bench -- --only P1`: the
-- tally upsert took more time per claim than any other statement). Like `claims_received` (012), these counts now
-- go to the slot of their claim id's hash; readers already sum the slots, and totals still equal a recount.
-- A claim's -1 and +1 for a changed decision land in the same slot, as do a payout's and a deadline's.
CREATE FUNCTION claim_tally_slot(p_claim_id TEXT) RETURNS SMALLINT LANGUAGE sql IMMUTABLE AS $$
  SELECT (hashtext(p_claim_id) & 15)::smallint;
$$;

CREATE OR REPLACE FUNCTION tally_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM bump_claim_tally('claims_received', jsonb_build_object('policy', NEW.policy_id, 'channel', NEW.channel), 1,
                             claim_tally_slot(NEW.id));
  ELSIF OLD.decision IS NOT NULL THEN
    PERFORM bump_claim_tally('decisions', decision_tally_labels(OLD.policy_id, OLD.decision), -1, claim_tally_slot(OLD.id));
  END IF;
  IF NEW.decision IS NOT NULL THEN
    PERFORM bump_claim_tally('decisions', decision_tally_labels(NEW.policy_id, NEW.decision), 1, claim_tally_slot(NEW.id));
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tally_credit_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM bump_claim_tally('credits_issued_minor', jsonb_build_object('currency', NEW.currency), NEW.amount_minor,
                           claim_tally_slot(NEW.claim_id));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tally_refund_paid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'confirmed' THEN
    PERFORM bump_claim_tally('refunds_paid_minor', jsonb_build_object('currency', OLD.currency), -OLD.amount_minor,
                             claim_tally_slot(OLD.claim_id));
  END IF;
  IF NEW.status = 'confirmed' THEN
    PERFORM bump_claim_tally('refunds_paid_minor', jsonb_build_object('currency', NEW.currency), NEW.amount_minor,
                             claim_tally_slot(NEW.claim_id));
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tally_deadline_breach() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.state = 'breached' THEN
    PERFORM bump_claim_tally('sla_breaches', jsonb_build_object('deadline', OLD.kind), -1, claim_tally_slot(OLD.claim_id));
  END IF;
  IF NEW.state = 'breached' THEN
    PERFORM bump_claim_tally('sla_breaches', jsonb_build_object('deadline', NEW.kind), 1, claim_tally_slot(NEW.claim_id));
  END IF;
  RETURN NULL;
END $$;
