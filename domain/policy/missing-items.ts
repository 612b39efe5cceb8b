import type { ClaimFacts, ClaimItem } from '../../common/claim';

const blank = (value: string | null) => value === null || value.trim() === '';

const present: Record<ClaimItem, (claim: ClaimFacts) => boolean> = {
  request_ids: (claim) => claim.requestIds.some((id) => id.trim() !== ''),
  transaction_or_invoice: (claim) => !blank(claim.transactionId) || !blank(claim.invoiceNumber),
  explanation: (claim) => !blank(claim.explanation),
  account_email: (claim) => !blank(claim.accountEmail),
};

/** The required items the claim lacks, in the order the pack lists them. */
export function missingItems(claim: ClaimFacts, required: readonly ClaimItem[]): ClaimItem[] {
  return [...new Set(required)].filter((item) => !present[item](claim));
}
