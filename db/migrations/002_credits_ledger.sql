-- Credits ledger: grants (what an account was given, with expiry fixed at grant time) and an
-- append-only journal of movements. A grant's remaining_minor is never written directly: the
-- movement trigger below applies each movement to its grant, so per grant and per account
--   remaining_minor = sum(movements.amount_minor)   and   balance = sum(remaining_minor)
-- always hold, and CHECK (remaining_minor >= 0) makes a negative balance impossible.

CREATE TABLE credit_grants (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts (id),
  kind             TEXT NOT NULL CHECK (kind IN ('purchased', 'promotional', 'service', 'claim')),
  amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
  remaining_minor  BIGINT NOT NULL DEFAULT 0 CHECK (remaining_minor >= 0 AND remaining_minor <= amount_minor),
  currency         CHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  granted_at       TIMESTAMPTZ NOT NULL,
  -- NULL: never expires. Computed from the pack in force at grant time and never recomputed.
  expires_at       TIMESTAMPTZ CHECK (expires_at IS NULL OR expires_at > granted_at),
  -- Where the grant came from: 'claim:<claim id>', 'charge:<transaction id>', 'platform:<key>'.
  source           TEXT NOT NULL,
  policy_id        TEXT NOT NULL,
  policy_version   TEXT NOT NULL,
  -- The pack clause the expiry came from, so a statement can cite it.
  expiry_clause    TEXT NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (account_id, source),
  UNIQUE (id, account_id, currency),
  FOREIGN KEY (policy_id, policy_version) REFERENCES policy_versions (policy_id, version)
);
-- Consumption order: soonest-expiring first, never-expiring last.
CREATE INDEX credit_grants_live_idx ON credit_grants (account_id, currency, expires_at NULLS LAST, granted_at, id)
  WHERE remaining_minor > 0;
CREATE INDEX credit_grants_expiring_idx ON credit_grants (expires_at) WHERE remaining_minor > 0 AND expires_at IS NOT NULL;

CREATE TABLE credit_movements (
  id               BIGSERIAL PRIMARY KEY,
  account_id       TEXT NOT NULL,
  grant_id         TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('grant', 'consume', 'expire', 'forfeit', 'adjust')),
  amount_minor     BIGINT NOT NULL,
  currency         CHAR(3) NOT NULL,
  at               TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  actor            TEXT NOT NULL,
  why              TEXT NOT NULL,
  -- The request this movement is part of (one consume may touch several grants).
  operation        TEXT NOT NULL,
  idempotency_key  TEXT NOT NULL UNIQUE,
  CHECK (
    (kind = 'grant' AND amount_minor > 0)
    OR (kind IN ('consume', 'expire', 'forfeit') AND amount_minor < 0)
    OR (kind = 'adjust' AND amount_minor <> 0)
  ),
  -- A movement belongs to the grant's own account and currency.
  FOREIGN KEY (grant_id, account_id, currency) REFERENCES credit_grants (id, account_id, currency)
);
CREATE INDEX credit_movements_account_idx ON credit_movements (account_id, id);
CREATE INDEX credit_movements_operation_idx ON credit_movements (account_id, operation);
CREATE UNIQUE INDEX credit_movements_one_grant_idx ON credit_movements (grant_id) WHERE kind = 'grant';

CREATE VIEW credit_balances AS
  SELECT account_id, currency, sum(amount_minor)::BIGINT AS balance_minor
    FROM credit_movements GROUP BY account_id, currency;

-- Movements are history: never rewritten, never removed.
CREATE FUNCTION refuse_credit_movement_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit_movements is append-only';
END $$;
CREATE TRIGGER credit_movements_append_only
  BEFORE UPDATE OR DELETE ON credit_movements
  FOR EACH ROW EXECUTE FUNCTION refuse_credit_movement_rewrite();
CREATE TRIGGER credit_movements_no_truncate
  BEFORE TRUNCATE ON credit_movements
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_credit_movement_rewrite();

-- Each movement moves its grant's remaining amount; the CHECKs on credit_grants refuse overdrafts.
CREATE FUNCTION apply_credit_movement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE credit_grants SET remaining_minor = remaining_minor + NEW.amount_minor WHERE id = NEW.grant_id;
  RETURN NULL;
END $$;
CREATE TRIGGER credit_movements_apply
  AFTER INSERT ON credit_movements
  FOR EACH ROW EXECUTE FUNCTION apply_credit_movement();

-- A grant starts at zero (its 'grant' movement brings it up), only the movement trigger changes
-- remaining_minor, nothing else about a grant ever changes, and grants are never deleted.
CREATE FUNCTION guard_credit_grant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.remaining_minor <> 0 THEN
      RAISE EXCEPTION 'a credit grant starts at 0; its grant movement sets the remaining amount';
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'credit_grants are never deleted';
  END IF;
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'credit_grants change only through credit_movements';
  END IF;
  IF (NEW.id, NEW.account_id, NEW.kind, NEW.amount_minor, NEW.currency, NEW.granted_at, NEW.expires_at, NEW.source,
      NEW.policy_id, NEW.policy_version, NEW.expiry_clause, NEW.created_at)
     IS DISTINCT FROM
     (OLD.id, OLD.account_id, OLD.kind, OLD.amount_minor, OLD.currency, OLD.granted_at, OLD.expires_at, OLD.source,
      OLD.policy_id, OLD.policy_version, OLD.expiry_clause, OLD.created_at) THEN
    RAISE EXCEPTION 'a credit grant is immutable except for its remaining amount';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER credit_grants_guard
  BEFORE INSERT OR UPDATE OR DELETE ON credit_grants
  FOR EACH ROW EXECUTE FUNCTION guard_credit_grant();

-- Every grant has its 'grant' movement by the time its transaction commits.
CREATE FUNCTION require_grant_movement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM credit_movements WHERE grant_id = NEW.id AND kind = 'grant') THEN
    RAISE EXCEPTION 'credit grant % has no grant movement', NEW.id;
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER credit_grants_have_movement
  AFTER INSERT ON credit_grants DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION require_grant_movement();

-- Backfill: credits the desk issued before this ledger existed become claim/service grants, with
-- expiry from the claim's pinned pack (remedyCredit), counted from issue in the pack's time zone.
WITH issued AS (
  SELECT ci.id, ci.claim_id, ci.account_id, ci.kind, ci.amount_minor, ci.currency, ci.created_at,
         c.policy_id, c.policy_version,
         p.pack #>> '{calendar,timeZone}' AS tz,
         p.pack #> '{creditExpiry,remedyCredit}' AS rule
    FROM credits_issued ci
    JOIN claims c ON c.id = ci.claim_id
    JOIN policy_versions p ON p.policy_id = c.policy_id AND p.version = c.policy_version
)
INSERT INTO credit_grants (id, account_id, kind, amount_minor, currency, granted_at, expires_at, source, policy_id, policy_version, expiry_clause)
SELECT 'cg_issued_' || id, account_id, kind, amount_minor, currency, created_at,
       CASE
         WHEN coalesce((rule ->> 'expires')::boolean, false) IS NOT TRUE THEN NULL
         WHEN rule ->> 'afterDays' IS NOT NULL
           THEN ((created_at AT TIME ZONE tz) + make_interval(days => (rule ->> 'afterDays')::int)) AT TIME ZONE tz
         ELSE ((created_at AT TIME ZONE tz) + make_interval(months => (rule ->> 'afterMonths')::int)) AT TIME ZONE tz
       END,
       'claim:' || claim_id, policy_id, policy_version, coalesce(rule ->> 'clause', 'unknown')
  FROM issued;

INSERT INTO credit_movements (account_id, grant_id, kind, amount_minor, currency, actor, why, operation, idempotency_key)
SELECT g.account_id, g.id, 'grant', g.amount_minor, g.currency, 'system:migration',
       'backfilled from credits_issued for ' || g.source, 'grant:' || g.source, 'grant:' || g.account_id || ':' || g.source
  FROM credit_grants g;

UPDATE credits_issued ci SET expires_at = g.expires_at
  FROM credit_grants g
 WHERE g.account_id = ci.account_id AND g.source = 'claim:' || ci.claim_id;
