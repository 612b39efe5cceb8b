/**
 * The claim a customer submits, whatever the channel (API today, email next), shared below the HTTP layer.
 * Pure zod: no I/O, no HTTP.
 */
import { z } from 'zod';
import { CLAIM_REASONS, MAX_REQUEST_IDS_PER_CLAIM } from './claim';
import { RecordId as id } from './ledger-records';

const EvidenceItem = z
  .object({
    kind: z.enum(['error_log', 'screenshot', 'response_body', 'note', 'other']),
    description: z.string().max(2000).optional(),
    content: z.string().max(100_000).optional(),
    url: z.url().optional(),
  })
  .strict();

/** A claim submission: the account (by id or email), the reason and what it concerns. */
export const ClaimBody = z
  .object({
    accountId: id.optional(),
    email: z.email().optional(),
    reason: z.enum(CLAIM_REASONS),
    requestIds: z.array(id).max(MAX_REQUEST_IDS_PER_CLAIM).default([]),
    transactionId: id.optional(),
    invoiceNumber: id.optional(),
    explanation: z.string().trim().min(1).max(20_000).optional(),
    evidence: z.array(EvidenceItem).max(50).default([]),
  })
  .strict()
  .refine((c) => c.accountId || c.email, {
    message: 'identify the account by accountId or email',
    path: ['accountId'],
  })
  // The refinement, as the OpenAPI document says it.
  .meta({ anyOf: [{ required: ['accountId'] }, { required: ['email'] }] });
