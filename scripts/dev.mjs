#!/usr/bin/env node
// `npm run dev`: install dependencies if needed, then run the dev stack
// (scripts/dev-stack.ts: Postgres, Temporal dev server, mail sink, Refund Desk).
//
// The stack runs in its own process group so that a terminal Ctrl-C reaches
// only us; we forward it, and the stack shuts down in order (app first,
// databases last) instead of everything dying at once. Extra arguments are
// passed through (e.g. `npm run dev -- --infra`).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDeps } from './ensure-deps.mjs';
import { repoRoot } from './lib/proc.mjs';

try {
  ensureDeps();
} catch (err) {
  console.error(`[dev] ${err.message}`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(repoRoot, 'scripts', 'dev-stack.ts'), ...process.argv.slice(2)],
  {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
    env: { ...process.env, REFUND_DESK_DEV_PARENT_PID: String(process.pid) },
  },
);

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  });
}

child.on('error', (err) => {
  console.error(`[dev] could not start the dev stack: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1));
});
