import { Router, type Request, type Response } from 'express';
import { formatMoney, money } from '../../common/money';
import type { Db } from '../../db';
import { findClaim } from '../../db/claims';
import type { PolicyStore } from '../../db/policies';
import { createHash } from 'node:crypto';
import { verifyClaimToken, type ClaimTokenKeys } from '../claim-token';
import { humanDate } from '../../domain/email/human-dates';
import { claimView } from '../claim-view';

/**
 * HTML pages for people, outside the JSON API and its OpenAPI document (server/openapi: HTML_PAGES).
 * Their token rides in the query string, which the request log never writes (it logs the path only).
 */
export const STATUS_PAGE_PATH = '/claims/:claimId';

const STATUS_WORDS: Record<string, string> = {
  received: 'Received',
  checking: 'Being checked against our records',
  awaiting_customer: 'Waiting for your reply',
  in_review: 'With a person on our support team',
  approved: 'Approved',
  awaiting_payout: 'Approved; the refund is being paid',
  closed: 'Done',
  denied: 'Not approved',
  abandoned: 'Closed without your reply',
  withdrawn: 'Withdrawn at your request',
};

const DEADLINE_WORDS: Record<string, string> = {
  review_warning: '',
  review: 'A decision is due',
  resolution: 'Everything is settled',
  payout: 'The refund is paid',
  customer_reply: 'Your reply is due',
};

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function notFound(res: Response): void {
  res.status(404).type('text/plain').send('No such claim for this link.');
}

type View = Awaited<ReturnType<typeof claimView>>;

function page(view: View, timeZone: string): string {
  const when = (iso: string) => humanDate(iso, timeZone);
  const d = view.decision;
  const deadlines = view.deadlines
    .filter((x) => DEADLINE_WORDS[x.kind])
    .map(
      (x) =>
        `<li>${esc(DEADLINE_WORDS[x.kind]!)} by ${esc(when(x.dueAt))}${x.state === 'open' ? '' : ` (${esc(x.state)})`}</li>`,
    );
  const decision = d
    ? `<h2>Decision</h2><p>${esc(d.outcome.replace('_', ' '))}${d.outcome === 'denied' ? '' : `: ${esc(formatMoney(money(d.amountMinor, d.currency)))} as ${esc(d.remedy.replace('_', ' '))}`}</p>
<ul>${d.reasons.map((r) => `<li>${esc(r.message)} <small>(${esc(r.clause)}: “${esc(r.quote)}”)</small></li>`).join('')}</ul>
${d.arithmetic.length ? `<p>How the amount was worked out:</p><ul>${d.arithmetic.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>` : ''}
${d.note ? `<p>Note from our team: ${esc(d.note)}</p>` : ''}`
    : '';
  const timeline = view.timeline.map((e) => `<li>${esc(when(e.at))}: ${esc(e.why)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>Claim ${esc(view.claimId)}</title>
<style>${STYLE}</style></head>
<body><h1>Your refund claim</h1>
<p><strong>${esc(STATUS_WORDS[view.status] ?? view.status)}</strong> <small>(claim ${esc(view.claimId)}, sent ${esc(when(view.submittedAt))})</small></p>
${deadlines.length ? `<h2>Dates</h2><ul>${deadlines.join('')}</ul>` : ''}
${decision}
<h2>What happened</h2><ul>${timeline}</ul>
</body></html>`;
}

/** The customer status page, `GET /claims/:claimId?token=…`: what the customer may see, 404 without the right token. */
const STYLE =
  'body{font:16px/1.45 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}small{color:#555}';
/** The page's one inline style, allowed by its hash; no script, no frames, no forms. */
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

export function statusPageRoutes(db: Db, policies: PolicyStore, secret: string | ClaimTokenKeys): Router {
  const router = Router();
  router.get(STATUS_PAGE_PATH, async (req: Request, res: Response) => {
    const claimId = String(req.params.claimId ?? '');
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    res.set({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'content-security-policy': CSP });
    if (!token || !/^clm_[0-9A-Z]{26}$/.test(claimId) || !(await verifyClaimToken(db, secret, claimId, token)))
      return notFound(res);
    const claim = await findClaim(db, claimId);
    if (!claim) return notFound(res);
    const view = await claimView(db, claim, 'customer');
    const timeZone = policies.current(claim.policyId)?.pack.calendar.timeZone ?? 'UTC';
    res.type('html').send(page(view, timeZone));
  });
  return router;
}
