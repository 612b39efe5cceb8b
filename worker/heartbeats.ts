import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { whileHeartbeating } from '../activities/heartbeat';

/**
 * Activities whose work grows with the claim or the ledger: the evidence query of a claim naming up to
 * MAX_REQUEST_IDS_PER_CLAIM requests (with its reservations), a staff decision re-checked against the ledger,
 * the payout request to the processor, and the credit-expiry scan (which heartbeats its own progress).
 */
export const LONG_ACTIVITIES: readonly string[] = [
  'runEvidenceCheck',
  'assessClaim',
  'validateStaffDecision',
  'requestPayout',
];

/**
 * Heartbeats every second while a long activity runs, so an activity given a heartbeat timeout of a few
 * seconds is retried on another worker seconds after its worker died, not after the start-to-close timeout.
 */
export const heartbeatLongActivities: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      if (!LONG_ACTIVITIES.includes(ctx.info.activityType)) return next(input);
      return whileHeartbeating(() => next(input));
    },
  },
});
