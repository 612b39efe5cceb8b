import type { Request, Response } from 'express';
import type { StaffPrincipal } from '../auth';
import type { SafeHtml } from './html';
import { page, type PageShell } from './layout';

/** Renders a console page for the signed-in person, with a fresh CSRF token for its forms. */
export function renderPage(
  req: Request,
  res: Response,
  shell: Omit<PageShell, 'csrfToken' | 'staff' | 'flash'>,
  body: SafeHtml,
  status = 200,
): void {
  const flash = req.session.flash;
  delete req.session.flash;
  const staff = res.locals.staff as StaffPrincipal | undefined;
  res
    .status(status)
    .type('html')
    .send(String(page({ ...shell, csrfToken: req.csrfToken!(), staff, flash }, body)));
}
