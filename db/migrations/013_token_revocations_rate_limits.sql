-- Claim tokens are stateless HMACs; a revocation refuses every token of the claim issued before it.
CREATE TABLE claim_token_revocations (
  claim_id        TEXT PRIMARY KEY REFERENCES claims (id),
  revoked_before  TIMESTAMPTZ NOT NULL,
  revoked_by      TEXT NOT NULL,
  reason          TEXT NOT NULL DEFAULT ''
);

-- express-rate-limit counters shared by every API process: one row per limiter key and fixed window.
CREATE UNLOGGED TABLE rate_limit_hits (
  key         TEXT NOT NULL,
  window_end  TIMESTAMPTZ NOT NULL,
  hits        INTEGER NOT NULL,
  PRIMARY KEY (key)
);
CREATE INDEX rate_limit_hits_window_end_idx ON rate_limit_hits (window_end);
