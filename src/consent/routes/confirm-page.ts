/**
 * @module consent/routes/confirm-page
 * The double opt-in link. `GET /consent/confirm/{token}` only shows a button: mail scanners fetch
 * links, and a fetch must not confirm anything. The shopper's `POST` records the `doi` grant.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import type { AppEnv } from '../../context.ts';
import { AppError, problemCodes } from '../../errors.ts';
import { confirmDoubleOptIn } from '../doi-confirm.ts';
import { readConfirmationToken } from '../double-opt-in.ts';
import { clientFacts } from './client-facts.ts';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.6rem 1.2rem}';

const page = (title: string, body: ReturnType<typeof html>) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;

export function registerConfirmPage(app: OpenAPIHono<AppEnv>) {
  app.get('/consent/confirm/:token', async (c) => {
    const deps = c.get('deps');
    const token = c.req.param('token');
    const read = await readConfirmationToken(deps.pepper, token, deps.now());
    if (!read.ok) {
      const status = problemCodes[read.error.code].status as 404 | 410;
      return c.html(
        page(
          'Link not valid',
          html`<h1>This link cannot be used</h1><p role="alert">${read.error.message}</p>`,
        ),
        status,
        {
          'content-security-policy': CSP,
        },
      );
    }
    return c.html(
      page(
        'Confirm your subscription',
        html`<h1>Confirm your subscription</h1><form method="post"><button type="submit">Yes, I confirm</button></form>`,
      ),
      200,
      { 'content-security-policy': CSP, 'cache-control': 'no-store' },
    );
  });
  app.post('/consent/confirm/:token', async (c) => {
    const result = await confirmDoubleOptIn(c.get('deps'), c.req.param('token'), clientFacts(c));
    if (!result.ok) {
      if (!(result.error instanceof AppError)) throw result.error;
      const status = problemCodes[result.error.code].status as 404 | 410;
      return c.html(
        page('Not confirmed', html`<h1>Not confirmed</h1><p role="alert">${result.error.message}</p>`),
        status,
        {
          'content-security-policy': CSP,
        },
      );
    }
    const { alreadyConfirmed, confirmedAt } = result.value;
    const message = alreadyConfirmed
      ? 'You had already confirmed.'
      : 'Thank you, your subscription is confirmed.';
    return c.html(
      page(
        'Confirmed',
        html`<h1>Confirmed</h1><p role="status" data-confirmed-at="${confirmedAt}">${message}</p>`,
      ),
      200,
      { 'content-security-policy': CSP, 'cache-control': 'no-store' },
    );
  });
}
