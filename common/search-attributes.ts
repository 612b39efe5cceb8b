import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes of claim workflows, so `temporal workflow list --query` and the Temporal UI
 * can answer "overdue claims of account X under policy Y". The server must have them registered first:
 * the dev stack and the test setup start the dev server with `--search-attribute NAME=TYPE` for each entry
 * of CLAIM_SEARCH_ATTRIBUTES, and docker-compose registers them with `temporal operator search-attribute create`.
 */
export const ClaimStatusAttribute = defineSearchAttributeKey('RefundClaimStatus', SearchAttributeType.KEYWORD);
export const ClaimAccountAttribute = defineSearchAttributeKey('RefundAccount', SearchAttributeType.KEYWORD);
export const ClaimPolicyAttribute = defineSearchAttributeKey('RefundPolicy', SearchAttributeType.KEYWORD);
export const ClaimOverdueAttribute = defineSearchAttributeKey('RefundOverdue', SearchAttributeType.BOOL);

/** Name and CLI type of every custom attribute, for registration (`--search-attribute RefundPolicy=Keyword`). */
export const CLAIM_SEARCH_ATTRIBUTES = [
  { name: ClaimStatusAttribute.name, cliType: 'Keyword' },
  { name: ClaimAccountAttribute.name, cliType: 'Keyword' },
  { name: ClaimPolicyAttribute.name, cliType: 'Keyword' },
  { name: ClaimOverdueAttribute.name, cliType: 'Bool' },
] as const;
