import type { StaffPrincipal } from '../auth';
import { MAIL_QUEUE_ROLES } from '../routes/mail-queue';
import { html, type SafeHtml } from './html';

/** htmx settings: no eval and no inline styles (the CSP forbids both), and error pages are swapped in to be read. */
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  includeIndicatorStyles: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '[45]..', swap: true, error: false },
  ],
});

export interface PageShell {
  title: string;
  csrfToken: string;
  staff?: StaffPrincipal;
  flash?: { kind: 'ok' | 'error'; text: string };
  /** Which top navigation entry is current. */
  current?: 'queue' | 'policies' | 'mail';
}

/** The page every console screen sits in: navigation, who is signed in, sign-out, and the flash message. */
export function page(shell: PageShell, body: SafeHtml): SafeHtml {
  const nav = (href: string, label: string, key: PageShell['current']) =>
    html`<a href="${href}"${shell.current === key ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${shell.title} · Refund Desk</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/htmx.min.js" defer></script>
</head>
<body hx-boost="true" hx-headers="${JSON.stringify({ 'x-csrf-token': shell.csrfToken })}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <strong class="brand">Refund Desk</strong>
  ${
    shell.staff
      ? html`<nav aria-label="Console">${nav('/console/queue', 'Queue', 'queue')} ${nav('/console/policies', 'Policies', 'policies')}${(MAIL_QUEUE_ROLES as readonly string[]).includes(shell.staff.role) ? html` ${nav('/console/mail/unprocessable', 'Unprocessable mail', 'mail')}` : ''}</nav>
  <form method="post" action="/console/sign-out" class="who">
    <span>${shell.staff.name} (${shell.staff.role})</span>
    <input type="hidden" name="_csrf" value="${shell.csrfToken}">
    <button type="submit">Sign out</button>
  </form>`
      : ''
  }
</header>
<main id="main">
${shell.flash ? html`<p class="flash flash-${shell.flash.kind}" role="${shell.flash.kind === 'error' ? 'alert' : 'status'}">${shell.flash.text}</p>` : ''}
${body}
</main>
</body>
</html>`;
}

/** The hidden CSRF field every mutating form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
