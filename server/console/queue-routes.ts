import { Router } from 'express';
import { CASE_PERMISSIONS } from '../case-actions';
import { html } from './html';
import type { ConsoleDeps } from './deps';
import { renderPage } from './render';
import { isFragmentRequest, loadQueue, queueSection } from './queue-page';
import { requireRole } from './session';

/** The queue page, and its self-refreshing section for htmx. */
export function queueRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  router.get('/queue', requireRole(CASE_PERMISSIONS.view), async (req, res) => {
    const queue = await loadQueue(deps.db, deps.policies, req.query);
    if (isFragmentRequest(req, res)) {
      res.type('html').send(String(queueSection(queue)));
      return;
    }
    renderPage(req, res, { title: 'Queue', current: 'queue' }, html`<h1>Queue</h1>${queueSection(queue)}`);
  });
  return router;
}
