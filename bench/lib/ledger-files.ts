/**
 * Synthetic usage-ledger files for the import tests and bench/import.ts: `rows` usage requests over
 * `accounts` accounts (acct_0 … acct_{accounts-1}), with random-looking request ids (so the primary
 * key index is written in random order, as with real ids), written in ~1 MiB chunks.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

export const ENDPOINTS = ['/v1/chat/completions', '/v1/images/generations', '/v1/embeddings', '/v1/audio/speech'];
const OUTCOMES = [
  { httpStatus: 200, outcome: 'success', outputDelivered: true },
  { httpStatus: 200, outcome: 'success', outputDelivered: true },
  { httpStatus: 200, outcome: 'success', outputDelivered: true },
  { httpStatus: 500, outcome: 'error', outputDelivered: false },
  { httpStatus: 504, outcome: 'timeout', outputDelivered: false },
] as const;
const CSV_HEADER =
  'requestId,accountId,endpoint,model,httpStatus,outcome,amountMinor,currency,outputDelivered,startedAt,completedAt';

/** A bijective 32-bit mix: distinct i give distinct ids, in no useful order. */
function mix(i: number): string {
  let x = (i + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x.toString(16).padStart(8, '0');
}

export const requestIdOf = (i: number): string => `req_${mix(i)}${(i % 4096).toString(16).padStart(3, '0')}`;
export const accountOf = (i: number, accounts: number): string => `acct_${i % accounts}`;

export interface SyntheticRequest {
  requestId: string;
  accountId: string;
  endpoint: string;
  model: string | null;
  httpStatus: number;
  outcome: string;
  amountMinor: number;
  currency: string;
  outputDelivered: boolean;
  startedAt: string;
  completedAt: string | null;
}

const EPOCH = Date.UTC(2025, 0, 1);

export function syntheticRequest(i: number, accounts: number): SyntheticRequest {
  const o = OUTCOMES[i % OUTCOMES.length]!;
  const started = EPOCH + i * 2_000;
  return {
    requestId: requestIdOf(i),
    accountId: accountOf(i, accounts),
    endpoint: ENDPOINTS[i % ENDPOINTS.length]!,
    model: i % 7 === 0 ? null : `model-${i % 3}`,
    httpStatus: o.httpStatus,
    outcome: o.outcome,
    amountMinor: (i % 997) + 1,
    currency: 'USD',
    outputDelivered: o.outputDelivered,
    startedAt: new Date(started).toISOString(),
    completedAt: o.outcome === 'timeout' ? null : new Date(started + 850 + (i % 5000)).toISOString(),
  };
}

function csvLine(r: SyntheticRequest): string {
  return [
    r.requestId,
    r.accountId,
    r.endpoint,
    r.model ?? '',
    r.httpStatus,
    r.outcome,
    r.amountMinor,
    r.currency,
    r.outputDelivered,
    r.startedAt,
    r.completedAt ?? '',
  ].join(',');
}

/** Writes the file and returns its size in bytes. */
export async function writeUsageRequestsFile(
  file: string,
  rows: number,
  { accounts = 100, format = 'ndjson' }: { accounts?: number; format?: 'ndjson' | 'csv' } = {},
): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  let chunk: string[] = [];
  let chunkChars = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'csv') await write(`${CSV_HEADER}\n`);
  for (let i = 0; i < rows; i++) {
    const r = syntheticRequest(i, accounts);
    const line = format === 'csv' ? csvLine(r) : JSON.stringify(r);
    chunk.push(line);
    chunkChars += line.length + 1;
    if (chunkChars >= 1 << 20) {
      await write(`${chunk.join('\n')}\n`);
      chunk = [];
      chunkChars = 0;
    }
  }
  if (chunk.length) await write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return bytes;
}
