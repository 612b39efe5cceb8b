import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { canonicalJson } from '../common/canonical-json';
import type { Channel, ClaimStatus } from '../common/claim';
import type { Db } from '../db';
import { storeSubmittedClaim, type ClaimIntake, type IntakeOutcome, type PinnablePolicy } from '../db/claim-intake';
import type { PolicyStore } from '../db/policies';
import { newClaimId } from './claim-ids';
import { HttpError } from './errors';
import type { ClaimBody } from './schemas';

export type ClaimSubmission = z.infer<typeof ClaimBody>;

export interface IntakeDeps {
  db: Db;
  policies: PolicyStore;
  temporal: Client;
  taskQueue: string;
  claimTokenSecret: string;
  /** Staff hear of claims that named no known account here (they are kept in `unmatched_claims`). */
  logger?: Logger;
  /** Called after a claim commits: wakes this process's outbox dispatcher without a NOTIFY round trip. */
  onClaimCommitted?: () => void;
}

export interface SubmittedClaim {
  claimId: string;
  status: ClaimStatus;
  replayed: boolean;
}

function fingerprint(submission: ClaimSubmission): string {
  return createHash('sha256').update(canonicalJson(submission)).digest('hex');
}

function answer(claimId: string, status: ClaimStatus, replayed: boolean): SubmittedClaim {
  return { claimId, status, replayed };
}

/** The policies in force a claim may be pinned to, each with its first event's `why` for this channel. */
function pinnable(policies: PolicyStore, channel: Channel): PinnablePolicy[] {
  return policies.list().map((p) => ({
    id: p.id,
    version: p.version,
    why: `claim submitted by ${channel} under ${p.id}@${p.version}`,
  }));
}

/**
 * Stores the claim, its first event and its outbox row in one statement and answers: the claim is durable once
 * committed, and the outbox dispatcher (server/claim-dispatcher.ts) starts its workflow right after, so intake never
 * waits on Temporal. A claim over the API that names no known account is answered exactly alike (no enumeration),
 * kept for staff in `unmatched_claims`, and nothing else is written. The account lookup, the Idempotency-Key check
 * (keys are scoped per account, or per named account when none matches) and the writes are that one statement.
 */
export async function submitClaim(
  deps: IntakeDeps,
  submission: ClaimSubmission,
  channel: Channel,
  idempotencyKey: string | null,
): Promise<SubmittedClaim> {
  const intake: ClaimIntake = {
    claimId: newClaimId(),
    named: { accountId: submission.accountId ?? null, email: submission.email ?? null },
    // The mail channel matched the sender itself: a miss there is for the unprocessable-mail queue, not a look-alike.
    keepUnmatched: channel !== 'email',
    policies: pinnable(deps.policies, channel),
    channel,
    reason: submission.reason,
    requestIds: [...new Set(submission.requestIds)],
    transactionId: submission.transactionId ?? null,
    invoiceNumber: submission.invoiceNumber ?? null,
    explanation: submission.explanation ?? null,
    evidence: submission.evidence,
    idempotencyKey,
    requestFingerprint: fingerprint(submission),
    submittedAt: new Date(),
    eventData: { submission },
    taskQueue: deps.taskQueue,
  };
  return answerFor(deps, intake, await store(deps, intake));
}

/** One statement; when a concurrent request with the same Idempotency-Key won the race, again, to find its claim. */
async function store(deps: IntakeDeps, intake: ClaimIntake): Promise<IntakeOutcome> {
  try {
    return await storeSubmittedClaim(deps.db, intake);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505' || !intake.idempotencyKey) throw err;
    return storeSubmittedClaim(deps.db, intake);
  }
}

function answerFor(deps: IntakeDeps, intake: ClaimIntake, outcome: IntakeOutcome): SubmittedClaim {
  switch (outcome.kind) {
    case 'stored':
      deps.onClaimCommitted?.();
      return answer(intake.claimId, 'received', false);
    case 'unmatched':
      deps.logger?.warn(
        { unmatchedClaimId: intake.claimId, channel: intake.channel },
        'a claim named no known account; answered like any claim and kept in unmatched_claims for staff',
      );
      return answer(intake.claimId, 'received', false);
    case 'no-account':
      throw new HttpError(404, 'no account matches that accountId/email');
    case 'unknown-policy':
      throw new HttpError(422, `account ${outcome.accountId} is on unknown policy ${outcome.policyId}`);
    case 'replay':
      // The first answer to this Idempotency-Key in its scope again, matched or not; 409 when the body differs.
      if (outcome.requestFingerprint !== intake.requestFingerprint) {
        throw new HttpError(409, 'this Idempotency-Key was already used with a different request body');
      }
      // The same answer as the first time: the claim was received (its progress is read with GET /v1/claims/:id).
      return answer(outcome.claimId, 'received', true);
  }
}
