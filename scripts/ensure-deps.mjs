#!/usr/bin/env node
// Runs `npm ci` when node_modules is missing or older than package.json /
// package-lock.json, so every install is exactly the committed lockfile.
// Plain Node, no dependencies (it runs before they exist).
//
//   node scripts/ensure-deps.mjs          # as a command
//   import { ensureDeps } from './ensure-deps.mjs'   # from other scripts
//
// The lockfile lists every platform's optional binaries (see package.json
// "overrides"), so `npm ci` works with the npm of Node 20 and with npm 11.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Why an install is needed, or undefined when node_modules is up to date. */
export function installReason(dir = root) {
  const marker = path.join(dir, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(path.join(dir, 'node_modules'))) return 'node_modules is missing';
  const installed = mtimeMs(marker);
  if (installed === undefined) return 'node_modules/.package-lock.json is missing';
  for (const name of ['package.json', 'package-lock.json']) {
    const m = mtimeMs(path.join(dir, name));
    if (m !== undefined && m > installed) return `${name} is newer than node_modules`;
  }
  return undefined;
}

/** Install dependencies from the lockfile if needed. Throws when `npm ci` fails. */
export function ensureDeps({ dir = root, quiet = false } = {}) {
  const reason = installReason(dir);
  if (!reason) return false;
  if (!quiet) console.log(`[deps] ${reason}: running npm ci …`);
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (res.error) throw new Error(`npm ci could not start: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`npm ci failed (exit ${res.status ?? res.signal})`);
  // npm leaves the marker untouched when nothing changed; touch it so an
  // edited-but-equivalent package.json does not trigger an install every run.
  const marker = path.join(dir, 'node_modules', '.package-lock.json');
  const now = new Date();
  try {
    fs.utimesSync(marker, now, now);
  } catch {
    /* no marker (no dependencies at all) */
  }
  if (!quiet) console.log(`[deps] npm ci done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    ensureDeps();
  } catch (err) {
    console.error(`[deps] ${err.message}`);
    process.exit(1);
  }
}
