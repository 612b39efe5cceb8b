// Small process / port helpers shared by the local-infrastructure scripts.
// Plain Node (no dependencies) so it can run before `npm install`.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (two levels above scripts/lib). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when a process with this pid exists (and we may signal it). */
export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** The command line of a live process (Linux /proc), or '' when unknown. */
export function cmdlineOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Wait until `pid` is gone; returns false on timeout. */
export async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/**
 * Terminate a process (or its whole process group when `group` is set):
 * `signal` first, SIGKILL after `graceMs`.
 */
export async function terminate(pid, { signal = 'SIGTERM', graceMs = 10_000, group = false } = {}) {
  if (!isAlive(pid)) return;
  const target = group ? -pid : pid;
  const send = (sig) => {
    try {
      process.kill(target, sig);
    } catch {
      /* already gone */
    }
  };
  send(signal);
  if (await waitForExit(pid, graceMs)) return;
  send('SIGKILL');
  await waitForExit(pid, 5_000);
}

/** A TCP port that was free a moment ago (listen on 0, read, close). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** True when nothing accepts connections on host:port. */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** Resolve true once a TCP connection to host:port succeeds. */
export function canConnect(port, host = '127.0.0.1', timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Keep the last `max` lines of a stream (for error messages). */
export function tailBuffer(max = 60) {
  const lines = [];
  return {
    push(chunk) {
      for (const line of String(chunk).split(/\r?\n/)) {
        if (!line) continue;
        lines.push(line);
        if (lines.length > max) lines.shift();
      }
    },
    text() {
      return lines.join('\n');
    },
  };
}

/** Human-readable milliseconds. */
export function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
