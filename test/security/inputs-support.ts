import http from 'node:http';
import { ulid } from 'ulid';
import { KEYS, type Desk } from '../integration/desk-harness';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- error bodies are asserted field by field
  body: any;
  text: string;
}

/**
 * One request written byte for byte with node:http (fetch would normalise the path or refuse some headers).
 * `chunks` are sent as a chunked body when no content-length is given.
 */
export function rawRequest(
  apiUrl: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string | Buffer[] },
): Promise<RawAnswer> {
  const url = new URL(apiUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: options.method, path: options.path, headers: options.headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    // The server may answer (413, 401) and close before the whole body is sent: that is the point.
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    const body = options.body;
    if (Array.isArray(body)) for (const chunk of body) req.write(chunk);
    else if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Rows in the tables a refused request could have written to: a refusal leaves every count as it was.
 * (claim_events is left out: workflows of claims accepted earlier keep appending to it.)
 */
export async function rowCounts(d: Desk): Promise<Record<string, number>> {
  const tables = [
    'accounts',
    'claims',
    'usage_requests',
    'charges',
    'outages',
    'credit_grants',
    'credit_movements',
    'chargebacks',
  ];
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await d.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
    counts[t] = Number(rows[0]!.n);
  }
  return counts;
}

/** A fresh pixazo-api account, fed through the API. */
export async function freshAccount(d: Desk): Promise<{ accountId: string; email: string }> {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@inputs.example`;
  const put = await d.call('PUT', `/v1/accounts/${accountId}`, {
    bearer: KEYS.operator,
    body: { email, policyId: 'pixazo-api' },
  });
  expect(put.status).toBe(201);
  return { accountId, email };
}
