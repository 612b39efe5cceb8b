import { createServer, type Server } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { WorkerMetrics } from './desk-metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();
/** Constant-time comparison of the presented Authorization header with the expected one. */
const sameKey = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** A running metrics listener; close() stops it. */
export interface MetricsEndpoint {
  port: number;
  close(): Promise<void>;
}

/** Serves GET /metrics for a process without an HTTP API of its own (the worker). */
export async function serveMetrics(
  metrics: WorkerMetrics,
  port: number,
  /** Bearer key required, as on the API's /metrics (METRICS_KEY); null: open (development). */
  key: string | null = null,
  host = '0.0.0.0',
): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (key !== null && !sameKey(req.headers.authorization ?? '', `Bearer ${key}`)) {
      res.writeHead(401, { 'cache-control': 'no-store' }).end('metrics need Authorization: Bearer <METRICS_KEY>\n');
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(err.name), // no internals to a scraper
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
