import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { canonicalJson } from '../common/canonical-json';
import type { Channel, ClaimStatus } from '../common/claim';
import type { Db } from '../db';
import {
  findIdempotentClaim,
  storeSubmittedClaim,
  type ClaimIntake,
  type IntakeOutcome,
  type PinnablePolicies,
} from '../db/claim-intake';
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
function pinnable(policies: PolicyStore, channel: Channel): PinnablePolicies {
  const byId: PinnablePolicies = {};
  for (const p of policies.list())
    byId[p.id] = { version: p.version, why: `claim submitted by ${channel} under ${p.id}@${p.version}` };
  return byId;
}

/**
 * Stores the claim, its first event and its outbox row in one statement and answers: the claim is durable once
 * committed, and the outbox dispatcher (server/claim-dispatcher.ts) starts its workflow right after, so intake never
 * waits on Temporal. A claim over the API that names no known account is answered exactly alike (no enumeration),
 * kept for staff in `unmatched_claims`, and nothing else is written. The account lookup and the Idempotency-Key
 * check (keys are scoped per account, or per named account when none matches) are part of that one statement; only
 * a key already used costs a second one, to read the earlier claim.
 */
export async function submitClaim(
  deps: IntakeDeps,
  submission: ClaimSubmission,
  channel: Channel,
  idempotencyKey: string | null,
): Promise<SubmittedClaim> {
  const intake = claimIntake(deps, submission, channel, idempotencyKey);
  return answerFor(deps, intake, await storeSubmittedClaim(deps.db, intake));
}

function claimIntake(
  deps: IntakeDeps,
  submission: ClaimSubmission,
  channel: Channel,
  idempotencyKey: string | null,
): ClaimIntake {
  return {
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
}

async function answerFor(deps: IntakeDeps, intake: ClaimIntake, outcome: IntakeOutcome): Promise<SubmittedClaim> {
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
      // A replay answers as the first time even if the account's policy has left force since.
      if (intake.idempotencyKey) return (await replayed(deps, intake, outcome.accountId)) ?? unknownPolicy(outcome);
      throw unknownPolicy(outcome);
    case 'taken': {
      const replay = await replayed(deps, intake, outcome.accountId);
      if (!replay)
        throw new Error(`Idempotency-Key of claim ${intake.claimId} is taken, but no earlier claim holds it`);
      return replay;
    }
  }
}

function unknownPolicy(o: { accountId: string; policyId: string }): never {
  throw new HttpError(422, `account ${o.accountId} is on unknown policy ${o.policyId}`);
}

/** The first answer to this Idempotency-Key in its scope again, matched or not; 409 when the body differs. */
async function replayed(
  deps: IntakeDeps,
  intake: ClaimIntake,
  accountId: string | null,
): Promise<SubmittedClaim | undefined> {
  const scope = accountId ? { accountId } : { named: intake.named };
  const earlier = await findIdempotentClaim(deps.db, scope, intake.idempotencyKey!);
  if (!earlier) return undefined;
  if (earlier.requestFingerprint !== intake.requestFingerprint) {
    throw new HttpError(409, 'this Idempotency-Key was already used with a different request body');
  }
  // The same answer as the first time: the claim was received (its progress is read with GET /v1/claims/:id).
  return answer(earlier.id, 'received', true);
}
