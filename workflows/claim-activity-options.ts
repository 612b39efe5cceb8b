import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { REFUSALS } from '../common/refusals';

/** Business refusals are answers, not faults: never retried. */
const nonRetryableErrorTypes = Object.values(REFUSALS);

/**
 * Short database writes (status moves, event-log rows, deadlines, DB-only credits) run as local activities in
 * the workflow task itself: no activity task, no extra workflow task, one marker in the history. A few seconds
 * is ample for one transaction; a worker that dies mid-step is replaced once the workflow task times out
 * (10 s by default), and the step runs again under the same event keys.
 */
export const LOCAL_STEP: LocalActivityOptions = {
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '5 seconds', nonRetryableErrorTypes },
};

/**
 * The outside world keeps normal activities with timeouts of its own, sized to the work, so that an attempt
 * lost with a crashed worker is retried after seconds rather than a minute.
 */
const external = (startToCloseTimeout: ActivityOptions['startToCloseTimeout']): ActivityOptions => ({
  startToCloseTimeout,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', nonRetryableErrorTypes },
});

/**
 * The evidence query: one statement, ~40 ms for 1,000 ids and ~350 ms for 10,000 on 3M ledger rows (bench/README.md).
 * A revision-1 run's first check also makes the opening move.
 */
export const EVIDENCE_QUERY = external('15 seconds');

/** SMTP: a batch of up to three customer mails (in revision 1 followed by the closing move), or one staff alert. */
export const SMTP = external('15 seconds');

/** The payment processor's refund call (the payout row is written first, so a retry reuses its key). */
export const PAYMENT_PROCESSOR = external('15 seconds');
