import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ulid } from 'ulid';
import type { z } from 'zod';
import { canonicalJson } from '../common/canonical-json';
import type { Channel, ClaimStatus } from '../common/claim';
import { withTransaction, type Db } from '../db';
import { findClaimantAccount } from '../db/accounts';
import { findClaimByIdempotencyKey, insertClaim } from '../db/claims';
import { appendClaimEvent } from '../db/events';
import type { PolicyStore } from '../db/policies';
import { listUnstartedClaims } from '../db/unstarted-claims';
import { claimToken } from './claim-token';
import { HttpError } from './errors';
import type { ClaimBody } from './schemas';
import { startClaimWorkflow } from './temporal';

export type ClaimSubmission = z.infer<typeof ClaimBody>;

export interface IntakeDeps {
  db: Db;
  policies: PolicyStore;
  temporal: Client;
  taskQueue: string;
  claimTokenSecret: string;
}

export interface SubmittedClaim {
  claimId: string;
  status: ClaimStatus;
  claimToken: string;
  replayed: boolean;
}

function fingerprint(submission: ClaimSubmission): string {
  return createHash('sha256').update(canonicalJson(submission)).digest('hex');
}

async function resolveAccount(db: Db, s: ClaimSubmission) {
  const account = await findClaimantAccount(db, { accountId: s.accountId ?? null, email: s.email ?? null });
  if (!account) throw new HttpError(404, 'no account matches that accountId/email');
  return account;
}

/**
 * Stores the claim and its first event in one transaction, then starts its workflow.
 * The row is written first, so nothing the customer sent is lost if Temporal is briefly away;
 * claims left in `received` are started again at boot (see startPendingClaims).
 */
export async function submitClaim(
  deps: IntakeDeps,
  submission: ClaimSubmission,
  channel: Channel,
  idempotencyKey: string | null,
): Promise<SubmittedClaim> {
  const print = fingerprint(submission);
  const replay = idempotencyKey ? await replayed(deps, idempotencyKey, print) : undefined;
  if (replay) return replay;

  const account = await resolveAccount(deps.db, submission);
  const policy = deps.policies.current(account.policyId);
  if (!policy) throw new HttpError(422, `account ${account.id} is on unknown policy ${account.policyId}`);
  const claimId = `clm_${ulid()}`;
  try {
    await withTransaction(deps.db, async (tx) => {
      await insertClaim(tx, {
        id: claimId,
        accountId: account.id,
        policyId: policy.id,
        policyVersion: policy.version,
        channel,
        reason: submission.reason,
        requestIds: [...new Set(submission.requestIds)],
        transactionId: submission.transactionId ?? null,
        invoiceNumber: submission.invoiceNumber ?? null,
        explanation: submission.explanation ?? null,
        evidence: submission.evidence,
        idempotencyKey,
        requestFingerprint: print,
        submittedAt: new Date(),
      });
      await appendClaimEvent(tx, {
        claimId,
        eventKey: 'submitted',
        type: 'submitted',
        actor: { type: 'customer', id: account.id },
        to: 'received',
        why: `claim submitted by ${channel} under ${policy.id}@${policy.version}`,
        data: { submission },
      });
    });
  } catch (err) {
    // A concurrent request with the same Idempotency-Key won the race; answer as its replay.
    if ((err as { code?: string }).code === '23505' && idempotencyKey) {
      const winner = await replayed(deps, idempotencyKey, print);
      if (winner) return winner;
    }
    throw err;
  }
  await startClaimWorkflow(deps.temporal, deps.taskQueue, claimId, {
    accountId: account.id,
    policyId: policy.id,
    reason: submission.reason,
  });
  return { claimId, status: 'received', claimToken: claimToken(deps.claimTokenSecret, claimId), replayed: false };
}

async function replayed(deps: IntakeDeps, key: string, print: string): Promise<SubmittedClaim | undefined> {
  const existing = await findClaimByIdempotencyKey(deps.db, key);
  if (!existing) return undefined;
  if (existing.requestFingerprint !== print) {
    throw new HttpError(409, 'this Idempotency-Key was already used with a different request body');
  }
  await startClaimWorkflow(deps.temporal, deps.taskQueue, existing.claimId);
  return {
    claimId: existing.claimId,
    status: existing.status,
    claimToken: claimToken(deps.claimTokenSecret, existing.claimId),
    replayed: true,
  };
}

/** Starts workflows for claims stored while Temporal was unreachable. */
export async function startPendingClaims(deps: IntakeDeps): Promise<number> {
  const claimIds = await listUnstartedClaims(deps.db);
  for (const id of claimIds) await startClaimWorkflow(deps.temporal, deps.taskQueue, id);
  return claimIds.length;
}
