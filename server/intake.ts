import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { ulid } from 'ulid';
import type { z } from 'zod';
import { canonicalJson } from '../common/canonical-json';
import type { Channel, ClaimStatus } from '../common/claim';
import type { Db } from '../db';
import { findClaimantAccount } from '../db/accounts';
import { insertClaimWithStart } from '../db/claim-outbox';
import { findClaimByIdempotencyKey } from '../db/claims';
import type { PolicyStore } from '../db/policies';
import { findUnmatchedClaimByIdempotencyKey, insertUnmatchedClaim } from '../db/unmatched-claims';
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

/**
 * Stores the claim, its first event and its outbox row in one transaction and answers: the claim is durable once
 * committed, and the outbox dispatcher (server/claim-dispatcher.ts) starts its workflow right after, so intake never
 * waits on Temporal. A claim over the API that names no known account is answered exactly alike (no enumeration),
 * kept for staff in `unmatched_claims`, and nothing else is written.
 */
export async function submitClaim(
  deps: IntakeDeps,
  submission: ClaimSubmission,
  channel: Channel,
  idempotencyKey: string | null,
): Promise<SubmittedClaim> {
  const print = fingerprint(submission);
  const named = { accountId: submission.accountId ?? null, email: submission.email ?? null };
  const account = await findClaimantAccount(deps.db, named);
  // The mail channel matched the sender itself: a miss there is for the unprocessable-mail queue, not a look-alike.
  if (!account && channel === 'email') throw new HttpError(404, 'no account matches that accountId/email');
  // Keys are scoped per account (or per named account when none matches): another's key is never a replay nor a conflict.
  const scope: KeyScope = account ? { accountId: account.id } : { named };
  const replay = idempotencyKey ? await replayed(deps, scope, idempotencyKey, print) : undefined;
  if (replay) return replay;
  const claimId = `clm_${ulid()}`;
  try {
    if (account) await storeClaim(deps, { claimId, account, submission, channel, idempotencyKey, print });
    else await storeUnmatched(deps, { claimId, submission, channel, idempotencyKey, print });
  } catch (err) {
    // A concurrent request with the same Idempotency-Key won the race; answer as its replay.
    if ((err as { code?: string }).code === '23505' && idempotencyKey) {
      const winner = await replayed(deps, scope, idempotencyKey, print);
      if (winner) return winner;
    }
    throw err;
  }
  if (account) deps.onClaimCommitted?.();
  return answer(claimId, 'received', false);
}

interface Storing {
  claimId: string;
  submission: ClaimSubmission;
  channel: Channel;
  idempotencyKey: string | null;
  print: string;
}

async function storeClaim(deps: IntakeDeps, s: Storing & { account: { id: string; policyId: string } }) {
  const { claimId, account, submission, channel } = s;
  const policy = deps.policies.current(account.policyId);
  if (!policy) throw new HttpError(422, `account ${account.id} is on unknown policy ${account.policyId}`);
  await insertClaimWithStart(
    deps.db,
    {
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
      idempotencyKey: s.idempotencyKey,
      requestFingerprint: s.print,
      submittedAt: new Date(),
    },
    {
      eventKey: 'submitted',
      type: 'submitted',
      actor: { type: 'customer', id: account.id },
      to: 'received',
      why: `claim submitted by ${channel} under ${policy.id}@${policy.version}`,
      data: { submission },
    },
    deps.taskQueue,
  );
}

async function storeUnmatched(deps: IntakeDeps, s: Storing) {
  await insertUnmatchedClaim(deps.db, {
    id: s.claimId,
    namedAccountId: s.submission.accountId ?? null,
    namedEmail: s.submission.email ?? null,
    channel: s.channel,
    reason: s.submission.reason,
    idempotencyKey: s.idempotencyKey,
    requestFingerprint: s.print,
  });
  deps.logger?.warn(
    { unmatchedClaimId: s.claimId, channel: s.channel },
    'a claim named no known account; answered like any claim and kept in unmatched_claims for staff',
  );
}

type KeyScope = { accountId: string } | { named: { accountId: string | null; email: string | null } };

/** The first answer to this Idempotency-Key in its scope again, matched or not; 409 when the body differs. */
async function replayed(
  deps: IntakeDeps,
  scope: KeyScope,
  key: string,
  print: string,
): Promise<SubmittedClaim | undefined> {
  const earlier =
    'accountId' in scope
      ? await findClaimByIdempotencyKey(deps.db, scope.accountId, key).then(
          (c) => c && { id: c.claimId, print: c.requestFingerprint },
        )
      : await findUnmatchedClaimByIdempotencyKey(deps.db, scope.named, key).then(
          (u) => u && { id: u.id, print: u.requestFingerprint },
        );
  if (!earlier) return undefined;
  if (earlier.print !== print) {
    throw new HttpError(409, 'this Idempotency-Key was already used with a different request body');
  }
  // The same answer as the first time: the claim was received (its progress is read with GET /v1/claims/:id).
  return answer(earlier.id, 'received', true);
}
