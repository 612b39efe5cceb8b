/**
 * `npm run fuzz:api` (and the fuzzing step of `.ci/run`): schemathesis against GET /openapi.json of a running
 * Refund Desk, on a throwaway stack of its own (embedded PostgreSQL, an in-memory Temporal dev server, a mail sink,
 * the API and worker seeded with the demo data).
 *
 * Every request carries an admin staff key, so the fuzzer reaches every route past authentication. It fails on
 * any 5xx and on any response the document does not describe (status, content type, headers, body schema).
 * Bounded: FUZZ_MAX_TIME seconds of fuzzing (default 150), FUZZ_MAX_EXAMPLES cases per operation (default 40),
 * a fixed FUZZ_SEED (default 20261122) so a CI failure reproduces. It prints how many requests were sent, from the
 * HAR report it keeps in .data/fuzz/requests.har.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startThrowawayDesk } from './lib/throwaway-desk';

const repoRoot = path.resolve(__dirname, '..');
const outDir = path.join(repoRoot, '.data', 'fuzz');
const runDir = path.join(repoRoot, '.data', `fuzz-${process.pid}`);
const harPath = path.join(outDir, 'requests.har');
const log = (line: string) => process.stderr.write(`[fuzz] ${line}\n`);

const intEnv = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

/** The checks that make the document the truth: no server error, and every response as documented. */
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
];

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number };
}

/** Requests sent and server errors answered, read from schemathesis' HAR report. */
function tally(): { requests: number; serverErrors: number; byStatus: Record<string, number> } {
  const har = JSON.parse(readFileSync(harPath, 'utf8')) as { log: { entries: HarEntry[] } };
  const byStatus: Record<string, number> = {};
  for (const e of har.log.entries) byStatus[e.response.status] = (byStatus[e.response.status] ?? 0) + 1;
  const serverErrors = har.log.entries.filter((e) => e.response.status >= 500).length;
  return { requests: har.log.entries.length, serverErrors, byStatus };
}

function runSchemathesis(tool: { python: string; pythonPath: string }, apiUrl: string, adminKey: string) {
  const maxTime = intEnv('FUZZ_MAX_TIME', 150);
  const args = [
    '-m',
    'schemathesis.cli',
    'run',
    `${apiUrl}/openapi.json`,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    String(intEnv('FUZZ_MAX_EXAMPLES', 40)),
    '--max-time',
    String(maxTime),
    '--seed',
    String(intEnv('FUZZ_SEED', 20261122)),
    // One worker: two share CPython's ast parser across threads, which hypothesis trips on (a tool error, not ours).
    '--workers',
    '1',
    '--request-timeout',
    '20',
    '--header',
    `Authorization: Bearer ${adminKey}`,
    '--suppress-health-check',
    'all',
    '--report',
    'har',
    '--report-har-path',
    harPath,
    '--output-truncate',
    'true',
  ];
  return new Promise<number>((resolve) => {
    const child = spawn(tool.python, args, {
      // Its caches (.schemathesis/, .hypothesis/) land beside the report, not in the checkout.
      cwd: outDir,
      stdio: 'inherit',
      env: { ...process.env, PYTHONPATH: tool.pythonPath, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' },
    });
    // The time budget is schemathesis' own; this only stops a hung run.
    const guard = setTimeout(() => child.kill('SIGKILL'), (maxTime + 120) * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<number> {
  const { ensureSchemathesis } = await import('./lib/tools.mjs');
  const tool = await ensureSchemathesis();
  if (!tool) throw new Error('schemathesis could not be installed with pip (see above)');

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const adminKey = `fuzz-admin-${randomBytes(12).toString('hex')}`;
  const desk = await startThrowawayDesk({ runDir, adminKey, log });
  try {
    log(`API up at ${desk.apiUrl}; fuzzing ${desk.apiUrl}/openapi.json`);

    const code = await runSchemathesis(tool, desk.apiUrl.replace(/\/+$/, ''), adminKey);
    const { requests, serverErrors, byStatus } = tally();
    const statuses = Object.entries(byStatus)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    console.log(`\nschemathesis sent ${requests} requests (${statuses}); ${serverErrors} server errors; exit ${code}`);
    if (serverErrors > 0 && code === 0) return 1;
    return code;
  } finally {
    await desk.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    log(err.stack ?? err.message);
    process.exit(1);
  },
);
