import type { RequestHandler } from 'express';
import type { DeskMetrics } from './desk-metrics';

/**
 * Times every request into the histogram, labelled by the express route pattern (`/v1/claims/:claimId`),
 * never the raw path, so claim ids do not become series. Requests no route matched are `unmatched`.
 */
export function measureHttpDuration(metrics: Pick<DeskMetrics, 'httpDuration'>): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
