import { createServer, type Server } from 'node:http';
import type { WorkerMetrics } from './desk-metrics';

/** A running metrics listener; close() stops it. */
export interface MetricsEndpoint {
  port: number;
  close(): Promise<void>;
}

/** Serves GET /metrics for a process without an HTTP API of its own (the worker). */
export async function serveMetrics(metrics: WorkerMetrics, port: number, host = '0.0.0.0'): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(err.message),
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
