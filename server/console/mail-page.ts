import { Router } from 'express';
import { listUnprocessableMails, type QueuedMail } from '../../db/mail';
import { MAIL_QUEUE_ROLES } from '../routes/mail-queue';
import { MailQueueQuery } from '../schemas-mail';
import type { ConsoleDeps } from './deps';
import { when } from './format';
import { html, type SafeHtml } from './html';
import { renderPage } from './render';
import { requireRole } from './session';

type Order = 'oldest' | 'newest';

function mailTable(mails: QueuedMail[], limit: number, order: Order): SafeHtml {
  const other: Order = order === 'newest' ? 'oldest' : 'newest';
  return html`<p><a href="/console/mail/unprocessable?order=${other}">Show the ${other} first</a></p>
<table class="queue mail-queue">
  <caption>Unprocessable mail, ${order} first${mails.length === limit ? ` (${limit} shown)` : ''}</caption>
  <thead><tr><th scope="col">Received</th><th scope="col">Sender</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Reason</th></tr></thead>
  <tbody>${
    mails.length
      ? mails.map(
          (
            m,
          ) => html`<tr><td data-label="Received">${when(m.receivedAt)}</td><td data-label="Sender">${m.from || '(empty envelope sender)'}</td>
      <td data-label="To">${m.to.join(', ')}</td><td data-label="Subject">${m.subject ?? '(no subject)'}</td><td data-label="Reason">${m.reason ?? '—'}</td></tr>`,
        )
      : html`<tr><td colspan="5">No unprocessable mail.</td></tr>`
  }</tbody>
</table>`;
}

/** The unprocessable-mail queue, read by the same function and for the same roles as GET /v1/mail/unprocessable. */
export function mailPages(deps: ConsoleDeps): Router {
  const router = Router();
  router.get('/mail/unprocessable', requireRole(MAIL_QUEUE_ROLES), async (req, res) => {
    const { order = 'newest', ...query } = req.query as Record<string, unknown>;
    const { limit } = MailQueueQuery.parse(query);
    // Newest first by default: with many stuck messages, an oldest-first page would never show today's.
    const shown: Order = order === 'oldest' ? 'oldest' : 'newest';
    const mails = await listUnprocessableMails(deps.db, limit, shown);
    renderPage(
      req,
      res,
      { title: 'Unprocessable mail', current: 'mail' },
      html`<h1>Unprocessable mail</h1>
<p class="hint">Messages the email channel stored but could not turn into a claim or a reply, each with the reason. The raw message is kept.</p>
${mailTable(mails, limit, shown)}`,
    );
  });
  return router;
}
