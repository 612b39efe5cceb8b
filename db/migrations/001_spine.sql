-- Refund Desk spine: accounts, the platform's usage ledger, claims, their event log, money steps.
-- Money is always BIGINT minor units with a 3-letter currency.

CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  email       TEXT NOT NULL,
  policy_id   TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'terminated')),
  currency    CHAR(3) NOT NULL DEFAULT 'USD',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_idx ON accounts (lower(email));

-- The platform's usage ledger: one row per API request it served.
CREATE TABLE usage_requests (
  request_id        TEXT PRIMARY KEY,
  account_id        TEXT NOT NULL REFERENCES accounts (id),
  endpoint          TEXT NOT NULL,
  model             TEXT,
  http_status       SMALLINT NOT NULL CHECK (http_status BETWEEN 100 AND 599),
  outcome           TEXT NOT NULL CHECK (outcome IN ('success', 'error', 'timeout')),
  amount_minor      BIGINT NOT NULL CHECK (amount_minor >= 0),
  currency          CHAR(3) NOT NULL,
  output_delivered  BOOLEAN NOT NULL,
  started_at        TIMESTAMPTZ NOT NULL,
  completed_at      TIMESTAMPTZ
);
CREATE INDEX usage_requests_account_idx ON usage_requests (account_id, started_at);

CREATE TABLE charges (
  transaction_id     TEXT PRIMARY KEY,
  invoice_number     TEXT,
  payment_reference  TEXT,
  account_id         TEXT NOT NULL REFERENCES accounts (id),
  amount_minor       BIGINT NOT NULL,
  currency           CHAR(3) NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('credit_purchase', 'usage', 'subscription')),
  period_start       TIMESTAMPTZ,
  period_end         TIMESTAMPTZ,
  created_at         TIMESTAMPTZ NOT NULL,
  CHECK (period_end IS NULL OR period_start IS NULL OR period_end > period_start)
);
CREATE INDEX charges_account_idx ON charges (account_id, created_at);
CREATE INDEX charges_invoice_idx ON charges (invoice_number) WHERE invoice_number IS NOT NULL;
CREATE INDEX charges_payment_reference_idx ON charges (payment_reference) WHERE payment_reference IS NOT NULL;

CREATE TABLE outages (
  id             TEXT PRIMARY KEY,
  started_at     TIMESTAMPTZ NOT NULL,
  ended_at       TIMESTAMPTZ,
  scheduled      BOOLEAN NOT NULL DEFAULT false,
  force_majeure  BOOLEAN NOT NULL DEFAULT false,
  cause          TEXT NOT NULL,
  CHECK (ended_at IS NULL OR ended_at > started_at)
);
CREATE INDEX outages_window_idx ON outages (started_at, ended_at);

-- Every policy version a claim was decided under stays readable forever.
CREATE TABLE policy_versions (
  policy_id     TEXT NOT NULL,
  version       TEXT NOT NULL,
  pack          JSONB NOT NULL,
  published_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (policy_id, version)
);

-- The case projection; the workflow's activities keep it current.
CREATE TABLE claims (
  id                   TEXT PRIMARY KEY,
  account_id           TEXT NOT NULL REFERENCES accounts (id),
  policy_id            TEXT NOT NULL,
  policy_version       TEXT NOT NULL,
  channel              TEXT NOT NULL CHECK (channel IN ('api', 'email')),
  reason               TEXT NOT NULL,
  request_ids          TEXT[] NOT NULL DEFAULT '{}',
  transaction_id       TEXT,
  invoice_number       TEXT,
  explanation          TEXT,
  evidence             JSONB NOT NULL DEFAULT '[]',
  status               TEXT NOT NULL,
  decision             JSONB,
  escalated_at         TIMESTAMPTZ,
  escalation_level     TEXT,
  idempotency_key      TEXT UNIQUE,
  request_fingerprint  TEXT,
  submitted_at         TIMESTAMPTZ NOT NULL,
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  FOREIGN KEY (policy_id, policy_version) REFERENCES policy_versions (policy_id, version)
);
CREATE INDEX claims_status_idx ON claims (status, submitted_at);
CREATE INDEX claims_account_idx ON claims (account_id);

-- Append-only: who, what, when and why for every state change.
CREATE TABLE claim_events (
  id           BIGSERIAL PRIMARY KEY,
  claim_id     TEXT NOT NULL REFERENCES claims (id),
  event_key    TEXT NOT NULL,
  at           TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  actor_type   TEXT NOT NULL CHECK (actor_type IN ('customer', 'staff', 'system', 'timer')),
  actor_id     TEXT NOT NULL,
  type         TEXT NOT NULL,
  from_status  TEXT,
  to_status    TEXT,
  why          TEXT NOT NULL,
  data         JSONB NOT NULL DEFAULT '{}',
  UNIQUE (claim_id, event_key)
);

CREATE FUNCTION refuse_event_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'claim_events is append-only';
END $$;
CREATE TRIGGER claim_events_append_only
  BEFORE UPDATE OR DELETE ON claim_events
  FOR EACH ROW EXECUTE FUNCTION refuse_event_rewrite();

CREATE TABLE claim_deadlines (
  claim_id       TEXT NOT NULL REFERENCES claims (id),
  kind           TEXT NOT NULL,
  due_at         TIMESTAMPTZ NOT NULL,
  business_days  INTEGER NOT NULL,
  clause         TEXT NOT NULL,
  state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'met', 'breached', 'cancelled')),
  PRIMARY KEY (claim_id, kind)
);
CREATE INDEX claim_deadlines_open_idx ON claim_deadlines (due_at) WHERE state = 'open';

-- At most one credit and one payout per claim, whatever retries or crashes happen.
CREATE TABLE credits_issued (
  id               BIGSERIAL PRIMARY KEY,
  claim_id         TEXT NOT NULL UNIQUE REFERENCES claims (id),
  account_id       TEXT NOT NULL REFERENCES accounts (id),
  amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
  currency         CHAR(3) NOT NULL,
  kind             TEXT NOT NULL DEFAULT 'claim' CHECK (kind IN ('claim', 'service')),
  idempotency_key  TEXT NOT NULL UNIQUE,
  expires_at       TIMESTAMPTZ,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE payouts (
  id                 BIGSERIAL PRIMARY KEY,
  claim_id           TEXT NOT NULL UNIQUE REFERENCES claims (id),
  account_id         TEXT NOT NULL REFERENCES accounts (id),
  amount_minor       BIGINT NOT NULL CHECK (amount_minor > 0),
  currency           CHAR(3) NOT NULL,
  payment_reference  TEXT,
  idempotency_key    TEXT NOT NULL UNIQUE,
  processor_ref      TEXT,
  status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed')),
  confirmed_by       TEXT,
  confirmed_at       TIMESTAMPTZ,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per customer email, so a retried notification activity never mails twice.
CREATE TABLE notifications (
  claim_id    TEXT NOT NULL REFERENCES claims (id),
  template    TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  subject     TEXT NOT NULL,
  message_id  TEXT,
  sent_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (claim_id, template)
);

CREATE TABLE staff_keys (
  key_hash    TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('agent', 'lead', 'finance', 'admin', 'operator')),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
