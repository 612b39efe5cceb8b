-- Transactional outbox for claim intake: the claim, its first event and this row commit together (one statement),
-- and the answer goes out without waiting for Temporal. A dispatcher starts the claim's workflow (id claim-<claim id>, so a second
-- start is a no-op) and deletes the row; a row left behind by a crash is started by the next dispatcher.

CREATE TABLE claim_outbox (
  claim_id         TEXT PRIMARY KEY REFERENCES claims (id),
  -- The task queue of the intake that took the claim; only that queue's dispatchers start it (NULL: any).
  task_queue       TEXT,
  enqueued_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  -- Failed starts (Temporal away) wait here with a growing back-off; the periodic sweep picks them up when due.
  next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT
);
CREATE INDEX claim_outbox_due_idx ON claim_outbox (task_queue, next_attempt_at);

-- No NOTIFY trigger: a transaction that notifies holds a database-wide lock through its commit, which would
-- serialize every claim's commit. Dispatchers are woken after the commit (in-process, or by a coalesced NOTIFY of
-- its own from the API process) and sweep as a safety net.

-- Claims stored before the outbox existed whose workflow may never have started (the old boot-time recovery).
INSERT INTO claim_outbox (claim_id)
SELECT c.id FROM claims c
 WHERE c.status = 'received'
   AND NOT EXISTS (SELECT 1 FROM claim_events e WHERE e.claim_id = c.id AND e.event_key <> 'submitted');

-- #12: a claim naming no known account is not stored as a claim (nothing half-written) and answered exactly like
-- one that does (no enumeration). Staff see it here; the id and fingerprint answer Idempotency-Key replays alike.
CREATE TABLE unmatched_claims (
  id                   TEXT PRIMARY KEY,
  named_account_id     TEXT,
  named_email          TEXT,
  channel              TEXT NOT NULL,
  reason               TEXT NOT NULL,
  idempotency_key      TEXT,
  request_fingerprint  TEXT NOT NULL,
  submitted_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Idempotency keys are scoped like claims' (per account): here per named account id or email.
CREATE UNIQUE INDEX unmatched_claims_idempotency_idx
  ON unmatched_claims (COALESCE(named_account_id, ''), COALESCE(lower(named_email), ''), idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX unmatched_claims_submitted_idx ON unmatched_claims (submitted_at);

-- Intake at hundreds of claims a second: every claim's insert bumped the one `claims_received` row of its policy
-- and channel, so each intake transaction waited for the previous one's commit (its row lock is held through the
-- commit's WAL flush). The running totals get 16 slots; a claim bumps the slot of its id's hash, and readers sum
-- the slots. Totals still equal a recount of their rows.
ALTER TABLE claim_tallies ADD COLUMN slot SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE claim_tallies DROP CONSTRAINT claim_tallies_pkey, ADD PRIMARY KEY (metric, labels, slot);
DROP FUNCTION bump_claim_tally(TEXT, JSONB, BIGINT);
CREATE FUNCTION bump_claim_tally(p_metric TEXT, p_labels JSONB, p_delta BIGINT, p_slot SMALLINT DEFAULT 0)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO claim_tallies (metric, labels, value, slot) VALUES (p_metric, p_labels, p_delta, p_slot)
  ON CONFLICT (metric, labels, slot) DO UPDATE SET value = claim_tallies.value + EXCLUDED.value;
$$;
CREATE OR REPLACE FUNCTION tally_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM bump_claim_tally('claims_received', jsonb_build_object('policy', NEW.policy_id, 'channel', NEW.channel), 1,
                             (hashtext(NEW.id) & 15)::smallint);
  ELSIF OLD.decision IS NOT NULL THEN
    PERFORM bump_claim_tally('decisions', decision_tally_labels(OLD.policy_id, OLD.decision), -1);
  END IF;
  IF NEW.decision IS NOT NULL THEN
    PERFORM bump_claim_tally('decisions', decision_tally_labels(NEW.policy_id, NEW.decision), 1);
  END IF;
  RETURN NULL;
END $$;
