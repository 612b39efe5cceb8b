import type { ClaimReason } from '../common/claim';
import type { CustomerReplyInput } from '../common/messages';
import type { DnsResolver } from '../adapters/mail-auth';

/** The email channel's settings, built once by the wiring from the deployment's configuration. */
export interface MailSettings {
  /** Base URL of the customer status page links, e.g. https://desk.example.com. */
  publicUrl: string;
  /** Secret of reply-address tokens and status-page tokens. */
  tokenSecret: string;
  /** A rotation: earlier secrets whose reply addresses are still read until `until` (CLAIM_TOKEN_PREVIOUS_*). */
  previousTokenSecrets?: { secrets: readonly string[]; until: Date | null };
  /** Deployment overrides of the packs' support addresses, by policy id. */
  addressOverrides: Record<string, string>;
  /** DNS for SPF, DKIM and DMARC. */
  resolver: DnsResolver;
  /** This server's name, written into Authentication-Results. */
  mta: string;
  /** Attachments kept per message, and the largest one kept. */
  maxAttachments: number;
  maxAttachmentBytes: number;
}

/** A claim as the email channel submits it; the wiring validates it with the API's own schema. */
export interface MailClaimSubmission {
  accountId: string;
  reason: ClaimReason;
  requestIds: string[];
  transactionId?: string;
  invoiceNumber?: string;
  explanation?: string;
  evidence: { kind: 'screenshot' | 'other'; description: string }[];
}

/**
 * The API's own intake and customer-reply paths, handed to the activities by the wiring, so a mail claim and an
 * API claim are one code path. A refusal carries an HTTP-like `status` (409: the claim moved on).
 */
export interface ClaimIntakePort {
  submit(submission: MailClaimSubmission, idempotencyKey: string): Promise<{ claimId: string }>;
  reply(claimId: string, reply: CustomerReplyInput): Promise<unknown>;
}

/** The secrets a reply address may be signed with right now: the current one, and earlier ones in their grace window. */
export function replySecrets(
  settings: Pick<MailSettings, 'tokenSecret' | 'previousTokenSecrets'>,
  now: Date = new Date(),
): string[] {
  const previous = settings.previousTokenSecrets;
  const inGrace = previous?.until && now.getTime() < previous.until.getTime();
  return [settings.tokenSecret, ...(inGrace ? previous.secrets : [])];
}
