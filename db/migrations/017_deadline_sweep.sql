-- The deadline sweep (worker/deadline-sweep.ts) fires due review and payout deadlines from here, in batches, instead of
-- one workflow task per claim: 10,000 claims falling due within a minute were 86 s late at p50 (bench P3). Whoever
-- fires a deadline first, the sweep or the claim workflow's own backstop timer, marks it, under the row's lock, so
-- the other does nothing: one event, one escalation, one alert.
ALTER TABLE claim_deadlines
  ADD COLUMN fired_at TIMESTAMPTZ,
  ADD COLUMN fired_by TEXT CHECK (fired_by IN ('sweep', 'workflow')),
  -- Set once the sweep's staff alert is recorded as sent; the sweep resends what a crash left unsent.
  ADD COLUMN alerted_at TIMESTAMPTZ;

CREATE INDEX claim_deadlines_unfired_idx ON claim_deadlines (due_at) WHERE state = 'open' AND fired_at IS NULL;
CREATE INDEX claim_deadlines_unalerted_idx ON claim_deadlines (fired_at) WHERE fired_by = 'sweep' AND alerted_at IS NULL;
