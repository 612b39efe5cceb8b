-- Chargebacks: an inbox of processor events, one case per dispute with its append-only event log,
-- deadlines, evidence, credit holds, dispute money movements, account suspension, and outbound webhooks.

-- Every processor event is stored here before it is acknowledged; nothing a processor sent is lost.
CREATE TABLE processor_events (
  processor       TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'closed', 'funds_withdrawn', 'funds_reinstated')),
  dispute_id      TEXT NOT NULL,
  chargeback_id   TEXT NOT NULL,
  occurred_at     TIMESTAMPTZ NOT NULL,
  -- The processor-neutral facts the workflow applies; `payload` keeps what the processor sent.
  facts           JSONB NOT NULL,
  payload         JSONB NOT NULL,
  received_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  -- NULL until the event was signalled to its chargeback workflow; the sweep hands over the rest.
  handed_over_at  TIMESTAMPTZ,
  applied_at      TIMESTAMPTZ,
  PRIMARY KEY (processor, event_id)
);
CREATE INDEX processor_events_pending_idx ON processor_events (received_at) WHERE handed_over_at IS NULL;
CREATE INDEX processor_events_case_idx ON processor_events (chargeback_id, occurred_at);

-- The case projection; the chargeback workflow's activities keep it current.
CREATE TABLE chargebacks (
  id                   TEXT PRIMARY KEY,
  processor            TEXT NOT NULL,
  dispute_id           TEXT NOT NULL,
  charge_ref           TEXT,
  payment_intent_ref   TEXT,
  -- The ledger charge the dispute was matched to; NULL while unmatched (a person resolves it).
  transaction_id       TEXT REFERENCES charges (transaction_id),
  account_id           TEXT REFERENCES accounts (id),
  policy_id            TEXT,
  policy_version       TEXT,
  unmatched            BOOLEAN NOT NULL DEFAULT false,
  amount_minor         BIGINT NOT NULL CHECK (amount_minor >= 0),
  currency             CHAR(3) NOT NULL,
  reason               TEXT NOT NULL,
  processor_status     TEXT NOT NULL,
  due_by               TIMESTAMPTZ,
  status               TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'contest_pending', 'contested', 'won', 'lost', 'closed')),
  outcome              TEXT CHECK (outcome IN ('won', 'lost')),
  -- The (occurred_at, rank, event id) of the newest event applied: older snapshots never win.
  latest_event_at      TIMESTAMPTZ NOT NULL,
  latest_event_rank    SMALLINT NOT NULL,
  latest_event_id      TEXT NOT NULL,
  evidence             JSONB,
  evidence_submission  JSONB,
  opened_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (processor, dispute_id),
  FOREIGN KEY (policy_id, policy_version) REFERENCES policy_versions (policy_id, version)
);
CREATE INDEX chargebacks_status_idx ON chargebacks (status, due_by);
CREATE INDEX chargebacks_account_idx ON chargebacks (account_id);
CREATE INDEX chargebacks_transaction_idx ON chargebacks (transaction_id) WHERE transaction_id IS NOT NULL;

-- Append-only: who, what, when, why and which clause, for every step of a case.
CREATE TABLE chargeback_events (
  id             BIGSERIAL PRIMARY KEY,
  chargeback_id  TEXT NOT NULL REFERENCES chargebacks (id),
  event_key      TEXT NOT NULL,
  at             TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  actor_type     TEXT NOT NULL CHECK (actor_type IN ('customer', 'staff', 'system', 'timer', 'processor')),
  actor_id       TEXT NOT NULL,
  type           TEXT NOT NULL,
  from_status    TEXT,
  to_status      TEXT,
  why            TEXT NOT NULL,
  clause         TEXT,
  data           JSONB NOT NULL DEFAULT '{}',
  UNIQUE (chargeback_id, event_key)
);
CREATE FUNCTION refuse_chargeback_event_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'chargeback_events is append-only';
END $$;
CREATE TRIGGER chargeback_events_append_only
  BEFORE UPDATE OR DELETE ON chargeback_events
  FOR EACH ROW EXECUTE FUNCTION refuse_chargeback_event_rewrite();

CREATE TABLE chargeback_deadlines (
  chargeback_id  TEXT NOT NULL REFERENCES chargebacks (id),
  kind           TEXT NOT NULL,
  due_at         TIMESTAMPTZ NOT NULL,
  clause         TEXT NOT NULL,
  state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'met', 'fired', 'cancelled')),
  PRIMARY KEY (chargeback_id, kind)
);

-- Credits held while a dispute is open: not spendable, not yet deducted. One hold per case.
CREATE TABLE credit_holds (
  chargeback_id  TEXT PRIMARY KEY REFERENCES chargebacks (id),
  account_id     TEXT NOT NULL REFERENCES accounts (id),
  amount_minor   BIGINT NOT NULL CHECK (amount_minor >= 0),
  currency       CHAR(3) NOT NULL,
  state          TEXT NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'released', 'deducted')),
  clause         TEXT NOT NULL,
  placed_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  settled_at     TIMESTAMPTZ
);
CREATE INDEX credit_holds_live_idx ON credit_holds (account_id, currency) WHERE state = 'held';

-- Money the processor moved for a dispute: funds withdrawn or reinstated, and dispute fees.
CREATE TABLE dispute_movements (
  chargeback_id  TEXT NOT NULL REFERENCES chargebacks (id),
  source_key     TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('funds_withdrawn', 'funds_reinstated', 'dispute_fee', 'fee_reinstated')),
  amount_minor   BIGINT NOT NULL,
  currency       CHAR(3) NOT NULL,
  at             TIMESTAMPTZ NOT NULL,
  processor_event_id TEXT NOT NULL,
  PRIMARY KEY (chargeback_id, source_key)
);
CREATE TRIGGER dispute_movements_append_only
  BEFORE UPDATE OR DELETE ON dispute_movements
  FOR EACH ROW EXECUTE FUNCTION refuse_chargeback_event_rewrite();

-- Mail sent for a case, once per key, so a retried activity never mails twice.
CREATE TABLE chargeback_notifications (
  chargeback_id  TEXT NOT NULL REFERENCES chargebacks (id),
  key            TEXT NOT NULL,
  recipient      TEXT NOT NULL,
  subject        TEXT NOT NULL,
  message_id     TEXT,
  sent_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (chargeback_id, key)
);

-- Why an account is not active, and which chargeback put it there.
ALTER TABLE accounts
  ADD COLUMN status_reason TEXT,
  ADD COLUMN status_clause TEXT,
  ADD COLUMN status_chargeback_id TEXT REFERENCES chargebacks (id),
  ADD COLUMN status_changed_at TIMESTAMPTZ;

-- Outbound webhooks to the platform (Standard Webhooks): one message per id, every attempt logged.
CREATE TABLE webhook_messages (
  id            TEXT PRIMARY KEY,
  event_type    TEXT NOT NULL,
  payload       JSONB NOT NULL,
  endpoint_url  TEXT,
  state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'no_endpoint')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  delivered_at  TIMESTAMPTZ
);
CREATE TABLE webhook_attempts (
  id           BIGSERIAL PRIMARY KEY,
  message_id   TEXT NOT NULL REFERENCES webhook_messages (id),
  at           TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  http_status  INTEGER,
  error        TEXT,
  duration_ms  INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_message_idx ON webhook_attempts (message_id, id);
