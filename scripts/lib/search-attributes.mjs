// The claim workflows' custom search attributes, for the plain-Node scripts that cannot import TypeScript.
// A checked copy of CLAIM_SEARCH_ATTRIBUTES in common/search-attributes.ts (the source): the test
// test/operations/search-attributes.test.ts fails when this list or docker-compose.yml drifts from it.

/** Name and CLI type of each attribute, as `temporal server start-dev --search-attribute NAME=TYPE` takes them. */
export const CLAIM_SEARCH_ATTRIBUTES = [
  { name: 'RefundClaimStatus', cliType: 'Keyword' },
  { name: 'RefundAccount', cliType: 'Keyword' },
  { name: 'RefundPolicy', cliType: 'Keyword' },
  { name: 'RefundOverdue', cliType: 'Bool' },
];

/** `{ RefundClaimStatus: 'Keyword', … }`, the shape startTemporalDevServer takes. */
export const claimSearchAttributes = () => Object.fromEntries(CLAIM_SEARCH_ATTRIBUTES.map((a) => [a.name, a.cliType]));

const INDEXED_VALUE_TYPE = {
  Text: 'INDEXED_VALUE_TYPE_TEXT',
  Keyword: 'INDEXED_VALUE_TYPE_KEYWORD',
  Int: 'INDEXED_VALUE_TYPE_INT',
  Double: 'INDEXED_VALUE_TYPE_DOUBLE',
  Bool: 'INDEXED_VALUE_TYPE_BOOL',
  Datetime: 'INDEXED_VALUE_TYPE_DATETIME',
  KeywordList: 'INDEXED_VALUE_TYPE_KEYWORD_LIST',
};

/**
 * Registers the attributes the namespace lacks, through the operator API. `start-dev --search-attribute`
 * only registers on a fresh database, so a dev server resumed from `.data/temporal` needs this.
 * Returns the names it added; throws when one exists with another type.
 */
export async function ensureSearchAttributes(address, namespace, attributes) {
  const { Connection } = await import('@temporalio/client');
  // @temporalio/proto is CommonJS, installed with @temporalio/client; its enums are under the default export.
  const proto = await import('@temporalio/proto');
  const types = (proto.temporal ?? proto.default.temporal).api.enums.v1.IndexedValueType;
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = {};
    for (const [name, cliType] of Object.entries(attributes)) {
      const wanted = types[INDEXED_VALUE_TYPE[cliType]];
      if (wanted === undefined) throw new Error(`search attribute ${name}: unknown type ${cliType}`);
      const existing = customAttributes?.[name];
      if (existing === undefined || existing === null) missing[name] = wanted;
      else if (existing !== wanted)
        throw new Error(`search attribute ${name} exists with type ${types[existing]}, not ${cliType}`);
    }
    if (Object.keys(missing).length)
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    return Object.keys(missing);
  } finally {
    await connection.close();
  }
}
