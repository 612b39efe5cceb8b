// Types for search-attributes.mjs.
export declare const CLAIM_SEARCH_ATTRIBUTES: readonly { name: string; cliType: string }[];
export declare function claimSearchAttributes(): Record<string, string>;
export declare function ensureSearchAttributes(
  address: string,
  namespace: string,
  attributes: Record<string, string>,
): Promise<string[]>;
