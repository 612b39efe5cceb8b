import { createHmac } from 'node:crypto';
import path from 'node:path';
import { csrfSync } from 'csrf-sync';
import express, { Router, type ErrorRequestHandler } from 'express';
import helmet from 'helmet';
import { toHttpError } from '../errors';
import type { Logger } from 'pino';
import { caseRoutes } from './case-routes';
import { chargebackRoutes } from './chargeback-routes';
import type { ConsoleDeps } from './deps';
import { html } from './html';
import { mailPages } from './mail-page';
import { renderPage } from './render';
import { policyPages } from './policy-routes';
import { queueRoutes } from './queue-routes';
import { consoleSession, signedIn } from './session';
import { signInRoutes } from './sign-in';

/** Where the console lives; everything under it is HTML for people, not the JSON API. */
export const CONSOLE_PATH = '/console';

export type { ConsoleDeps } from './deps';

/** Marks the console's router so the OpenAPI check knows it serves HTML pages, deliberately outside the API document. */
export const HTML_CONSOLE = Symbol.for('refund-desk.html-console');

const ASSETS = path.join(__dirname, 'assets');
const HTMX_DIST = path.dirname(require.resolve('htmx.org/dist/htmx.min.js'));

/** The support console: server-rendered pages, enhanced by htmx, behind a PostgreSQL session and CSRF tokens. */
export function consoleRouter(deps: ConsoleDeps): Router {
  const router = Router();
  // Without configured security (unit tests building the app by hand) the session key is derived per purpose.
  const sessionSecret =
    deps.security?.consoleSessionSecret ??
    createHmac('sha256', deps.claimTokenSecret).update('console-session').digest('hex');
  const { middleware: sessions } = consoleSession(deps.db, sessionSecret);
  const { csrfSynchronisedProtection } = csrfSync({
    getTokenFromRequest: (req) => (req.body as { _csrf?: string } | undefined)?._csrf ?? req.get('x-csrf-token'),
  });

  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
        },
      },
    }),
  );
  router.use('/assets', express.static(ASSETS, { maxAge: '1h' }), express.static(HTMX_DIST, { maxAge: '1h' }));
  router.use(sessions, express.urlencoded({ extended: false, limit: '200kb' }), csrfSynchronisedProtection);
  router.use(signInRoutes(deps.db, deps.logger));
  router.use(signedIn(deps.db));
  router.get('/', (_req, res) => res.redirect(303, `${CONSOLE_PATH}/queue`));
  router.use(queueRoutes(deps));
  router.use(caseRoutes(deps));
  router.use(chargebackRoutes(deps));
  router.use(mailPages(deps));
  router.use(policyPages(deps));
  router.use((req, res) =>
    renderPage(
      req,
      res,
      { title: 'Not found' },
      html`<h1>Not found</h1><p>There is no page ${req.originalUrl}.</p>`,
      404,
    ),
  );
  router.use(consoleErrors(deps.logger));
  return Object.assign(router, { [HTML_CONSOLE]: true });
}

/** Errors as a page in plain words, with the same statuses the API gives. */
function consoleErrors(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const csrf = (err as { code?: string }).code === 'EBADCSRFTOKEN';
    const known = csrf
      ? {
          status: 403,
          message:
            'This form was not sent from the console (its security token is missing or out of date). Reload the page and try again.',
        }
      : toHttpError(err);
    if (!known) logger.error({ err, method: req.method, path: req.originalUrl }, 'console error');
    const status = known?.status ?? 500;
    const message = known?.message ?? 'Something went wrong on our side; the error is logged.';
    if (!req.session || !req.csrfToken) {
      res.status(status).type('text').send(message);
      return;
    }
    renderPage(
      req,
      res,
      { title: 'Refused' },
      html`<h1>${status === 403 ? 'Not allowed' : 'That did not work'}</h1><p class="flash flash-error" role="alert">${message}</p><p><a href="/console/queue">Back to the queue</a></p>`,
      status,
    );
  };
}

/** Whether an express layer's handler is the console (skipped by the OpenAPI route check). */
export function isHtmlConsole(handle: unknown): boolean {
  return typeof handle === 'function' && (handle as unknown as Record<symbol, unknown>)[HTML_CONSOLE] === true;
}
