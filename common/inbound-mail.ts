import { defineSignal } from '@temporalio/workflow';

/** One workflow per stored message; its id comes from the message's hash, so a message is processed once. */
export function inboundMailWorkflowId(sha256: string): string {
  return `inbound-mail-${sha256}`;
}

export interface InboundMailInput {
  mailId: string;
  sha256: string;
}

/** What reading a stored message concluded, and so what the workflow does next. */
export type MailExamination =
  | { kind: 'ignored'; outcome: 'auto_reply' | 'bounce' }
  | { kind: 'unprocessable'; reason: string }
  | { kind: 'reply'; claimId: string; matchedBy: 'thread' | 'reply_address' | 'subject' }
  | { kind: 'new_claim'; accountId: string; policyId: string }
  | { kind: 'unknown_sender'; address: string; policyId: string }
  /** The From address is an account's, but the mail failed authentication: the account holder confirms first. */
  | { kind: 'unconfirmed'; accountId: string; policyId: string; then: 'new_claim' | { claimId: string } }
  /** A reply to a confirmation request: the held message may now act. */
  | { kind: 'confirmation'; heldMailId: string; heldSha256: string };

/** Sent to a held message's workflow when the account holder confirmed they sent it. */
export const mailConfirmedSignal = defineSignal('mailConfirmed');
