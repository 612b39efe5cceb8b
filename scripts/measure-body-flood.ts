/**
 * `npm run measure:body-flood`: how long GET /healthz takes while four 24 MB deeply nested JSON bodies (two with a
 * Content-Length, two chunked) are sent to POST /v1/claims, next to its time at rest, on a throwaway stack. The
 * issue measured 23.2 s under the old 25 MB limit on every route; the per-route limits refuse these bodies unread.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startThrowawayDesk } from './lib/throwaway-desk';

const log = (line: string) => process.stderr.write(`[flood] ${line}\n`);

function post(apiUrl: string, body: Buffer, chunked: boolean): Promise<number> {
  const url = new URL(`${apiUrl}/v1/claims`);
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = String(body.length);
    const req = http.request(
      { host: url.hostname, port: url.port, method: 'POST', path: url.pathname, headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    for (let i = 0; i < body.length; i += 1 << 20) req.write(body.subarray(i, i + (1 << 20)));
    req.end();
  });
}

async function healthMs(apiUrl: string): Promise<number> {
  const t = performance.now();
  await (await fetch(`${apiUrl}/healthz`)).text();
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const runDir = path.resolve(__dirname, '..', '.data', `flood-${process.pid}`);
  const desk = await startThrowawayDesk({ runDir, adminKey: randomBytes(12).toString('hex'), log });
  try {
    const atRest: number[] = [];
    for (let i = 0; i < 20; i++) atRest.push(await healthMs(desk.apiUrl));
    const half = 12 * 1024 * 1024;
    const body = Buffer.from('['.repeat(half) + ']'.repeat(half));
    let done = false;
    const floods = Promise.all([false, false, true, true].map((chunked) => post(desk.apiUrl, body, chunked))).finally(
      () => (done = true),
    );
    const during: number[] = [];
    while (!done) during.push(await healthMs(desk.apiUrl));
    const statuses = await floods;
    console.log(
      `four 24 MB nested bodies answered ${statuses.join(', ')}; /healthz median at rest ${median(atRest).toFixed(1)} ms, ` +
        `during the flood median ${median(during).toFixed(1)} ms and max ${Math.max(...during).toFixed(1)} ms over ${during.length} calls`,
    );
  } finally {
    await desk.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(err.stack ?? err.message);
    process.exit(1);
  },
);
