import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { ulid } from 'ulid';
import { parseExposition } from './scrape';

const repo = path.resolve(__dirname, '../..');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** GET /metrics until the worker answers (it bundles its workflows first). */
async function scrapeWhenUp(url: string, worker: ChildProcess, output: () => string): Promise<string> {
  for (let tries = 0; ; tries++) {
    if (worker.exitCode !== null) throw new Error(`worker exited ${worker.exitCode}: ${output()}`);
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return res.text();
    if (tries > 600) throw new Error(`no metrics at ${url}: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the worker process', () => {
  it('serves its own /metrics on WORKER_METRICS_PORT: process metrics and activity failures, nothing of the API', async () => {
    const port = await freePort();
    let output = '';
    const worker = spawn(process.execPath, ['--import', 'tsx', 'wiring/worker.ts'], {
      cwd: repo,
      env: {
        ...process.env,
        WORKER_METRICS_PORT: String(port),
        TEMPORAL_TASK_QUEUE: `worker-metrics-${ulid()}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (c) => (output += c));
    worker.stderr!.on('data', (c) => (output += c));
    try {
      const text = await scrapeWhenUp(`http://127.0.0.1:${port}/metrics`, worker, () => output);
      const names = new Set(parseExposition(text).map((s) => s.name));
      expect(names.has('process_cpu_user_seconds_total')).toBe(true);
      expect(text).toContain('# TYPE refund_desk_activity_failures_total counter');
      expect(text).not.toContain('refund_desk_http_request_duration_seconds');
      expect(text).not.toContain('refund_desk_open_cases');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      worker.kill('SIGTERM');
      if (worker.exitCode === null) await once(worker, 'exit');
    }
    expect(worker.exitCode).toBe(0);
  });
});
