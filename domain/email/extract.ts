import type { ClaimReason } from '../../common/claim';
import type { MailIntake } from './mail-intake-schema';

/** What a mail says about a claim, found with the pack's patterns. */
export interface ExtractedClaimFacts {
  requestIds: string[];
  transactionIds: string[];
  invoiceNumbers: string[];
  reason: ClaimReason;
}

const MAX_IDS = 1_000;

function findAll(text: string, patterns: string[]): string[] {
  const found = new Set<string>();
  for (const source of patterns) {
    for (const match of text.matchAll(new RegExp(source, 'g'))) {
      if (match[0]) found.add(match[0]);
      if (found.size >= MAX_IDS) return [...found];
    }
  }
  return [...found];
}

/** The reason of the first keyword rule that matches, else `other` (a person triages it). */
export function reasonFromText(text: string, rules: MailIntake['reasonKeywords']): ClaimReason {
  const lower = text.toLowerCase();
  return rules.find((rule) => rule.keywords.some((k) => lower.includes(k.toLowerCase())))?.reason ?? 'other';
}

/** Ids and reason from a subject and body, with the platform's own id formats. */
export function extractClaimFacts(subject: string, body: string, intake: MailIntake): ExtractedClaimFacts {
  const text = `${subject}\n${body}`;
  return {
    requestIds: findAll(text, intake.requestId),
    transactionIds: findAll(text, intake.transactionId),
    invoiceNumbers: findAll(text, intake.invoiceNumber),
    reason: reasonFromText(text, intake.reasonKeywords),
  };
}

/** A claim id written in a subject ("Re: … claim clm_01J…"). */
export function claimIdInSubject(subject: string): string | null {
  const match = /\bclm_[0-9A-HJKMNP-TV-Z]{26}\b/i.exec(subject);
  return match ? `clm_${match[0].slice(4).toUpperCase()}` : null;
}
