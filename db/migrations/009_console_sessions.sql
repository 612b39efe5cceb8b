-- Support console sign-ins, kept server-side (express-session with connect-pg-simple); the cookie holds only the id.
CREATE TABLE console_sessions (
  sid     VARCHAR NOT NULL PRIMARY KEY,
  sess    JSON NOT NULL,
  expire  TIMESTAMP(6) NOT NULL
);
CREATE INDEX console_sessions_expire_idx ON console_sessions (expire);

-- The console's queue sorts and filters open claims by their next deadline.
CREATE INDEX claim_deadlines_claim_open_idx ON claim_deadlines (claim_id, due_at) WHERE state IN ('open', 'breached');
