-- Running totals behind the Prometheus counters (claims received, decisions, SLA breaches, credits
-- issued, refunds paid). Triggers keep them in the same transaction as the rows they count, so a
-- scrape reads a few rows instead of counting every claim ever received, and a retried activity that
-- changes nothing counts nothing. Each total always equals a recount of its rows.

CREATE TABLE claim_tallies (
  metric  TEXT NOT NULL CHECK (metric IN ('claims_received', 'decisions', 'sla_breaches', 'credits_issued_minor', 'refunds_paid_minor')),
  -- The Prometheus labels of this series, e.g. {"policy": "pixazo-api", "channel": "api"}.
  labels  JSONB NOT NULL,
  value   BIGINT NOT NULL,
  PRIMARY KEY (metric, labels)
);

CREATE FUNCTION bump_claim_tally(p_metric TEXT, p_labels JSONB, p_delta BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO claim_tallies (metric, labels, value) VALUES (p_metric, p_labels, p_delta)
  ON CONFLICT (metric, labels) DO UPDATE SET value = claim_tallies.value + EXCLUDED.value;
$$;

-- The labels a decision is counted under: the engine decided unless a person did.
CREATE FUNCTION decision_tally_labels(p_policy TEXT, p_decision JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'policy', p_policy,
    'outcome', p_decision->>'outcome',
    'decided_by', CASE WHEN p_decision->'decidedBy'->>'type' = 'staff' THEN 'staff' ELSE 'engine' END);
$$;

CREATE FUNCTION tally_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM bump_claim_tally('claims_received', jsonb_build_object('policy', NEW.policy_id, 'channel', NEW.channel), 1);
  ELSIF OLD.decision IS NOT NULL THEN
    PERFORM bump_claim_tally('decisions', decision_tally_labels(OLD.policy_id, OLD.decision), -1);
  END IF;
  IF NEW.decision IS NOT NULL THEN
    PERFORM bump_claim_tally('decisions', decision_tally_labels(NEW.policy_id, NEW.decision), 1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER claims_tally_insert AFTER INSERT ON claims FOR EACH ROW EXECUTE FUNCTION tally_claim();
CREATE TRIGGER claims_tally_decision AFTER UPDATE OF decision ON claims
  FOR EACH ROW WHEN (OLD.decision IS DISTINCT FROM NEW.decision) EXECUTE FUNCTION tally_claim();

CREATE FUNCTION tally_deadline_breach() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.state = 'breached' THEN
    PERFORM bump_claim_tally('sla_breaches', jsonb_build_object('deadline', OLD.kind), -1);
  END IF;
  IF NEW.state = 'breached' THEN
    PERFORM bump_claim_tally('sla_breaches', jsonb_build_object('deadline', NEW.kind), 1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER claim_deadlines_tally_insert AFTER INSERT ON claim_deadlines
  FOR EACH ROW WHEN (NEW.state = 'breached') EXECUTE FUNCTION tally_deadline_breach();
CREATE TRIGGER claim_deadlines_tally_update AFTER UPDATE OF state, kind ON claim_deadlines
  FOR EACH ROW WHEN ((OLD.state = 'breached') <> (NEW.state = 'breached') OR (NEW.state = 'breached' AND OLD.kind <> NEW.kind))
  EXECUTE FUNCTION tally_deadline_breach();

CREATE FUNCTION tally_credit_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM bump_claim_tally('credits_issued_minor', jsonb_build_object('currency', NEW.currency), NEW.amount_minor);
  RETURN NULL;
END $$;
CREATE TRIGGER credits_issued_tally AFTER INSERT ON credits_issued FOR EACH ROW EXECUTE FUNCTION tally_credit_issued();

CREATE FUNCTION tally_refund_paid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'confirmed' THEN
    PERFORM bump_claim_tally('refunds_paid_minor', jsonb_build_object('currency', OLD.currency), -OLD.amount_minor);
  END IF;
  IF NEW.status = 'confirmed' THEN
    PERFORM bump_claim_tally('refunds_paid_minor', jsonb_build_object('currency', NEW.currency), NEW.amount_minor);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER payouts_tally_insert AFTER INSERT ON payouts
  FOR EACH ROW WHEN (NEW.status = 'confirmed') EXECUTE FUNCTION tally_refund_paid();
CREATE TRIGGER payouts_tally_update AFTER UPDATE OF status, amount_minor, currency ON payouts
  FOR EACH ROW WHEN (OLD.status = 'confirmed' OR NEW.status = 'confirmed') EXECUTE FUNCTION tally_refund_paid();

-- What happened before this migration.
INSERT INTO claim_tallies (metric, labels, value)
  SELECT 'claims_received', jsonb_build_object('policy', policy_id, 'channel', channel), count(*) FROM claims GROUP BY policy_id, channel
  UNION ALL
  SELECT 'decisions', decision_tally_labels(policy_id, decision), count(*) FROM claims WHERE decision IS NOT NULL
   GROUP BY decision_tally_labels(policy_id, decision)
  UNION ALL
  SELECT 'sla_breaches', jsonb_build_object('deadline', kind), count(*) FROM claim_deadlines WHERE state = 'breached' GROUP BY kind
  UNION ALL
  SELECT 'credits_issued_minor', jsonb_build_object('currency', currency), sum(amount_minor) FROM credits_issued GROUP BY currency
  UNION ALL
  SELECT 'refunds_paid_minor', jsonb_build_object('currency', currency), sum(amount_minor) FROM payouts WHERE status = 'confirmed' GROUP BY currency;
