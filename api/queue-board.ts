import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import { authenticate, userOfToken } from './auth/middleware.ts';
import type { ApiDeps } from './deps.ts';
import { Problem, sendProblem } from './problem.ts';
import { wantsPage } from './static-ui.ts';

/**
 * Bull Board (the BullMQ dashboard) at /admin/queues, admins only. API clients send the usual
 * `Authorization: Bearer <access token>`. A browser cannot add that header to a page load, so an
 * admin's client first calls `POST /admin/queues/session` with the bearer header; the answer sets
 * an HttpOnly, SameSite=Strict cookie holding the same short-lived access token (15 minutes), scoped
 * to /admin/queues. The cookie dies with the token; log in again for another.
 *
 * A browser that opens the board without that cookie (a bookmark, the cookie expired, a link typed in)
 * is sent to the workbench's BOARD_GATE page instead of a raw 401: there the signed-in admin's tab
 * asks for the cookie and comes straight back; anyone else is asked to log in or told the board is
 * for admins. The workbench's "job dashboard" link goes through the same page.
 */

export const BOARD_PATH = '/admin/queues';
/** the workbench page that obtains the board's cookie for a signed-in admin (ui/src/pages/BoardGate.tsx) */
export const BOARD_GATE = '/job-board';
const COOKIE = 'ringlens_board';

function cookieToken(req: Request): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function queueBoard(deps: ApiDeps, queues: Queue[]): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'RingLens jobs' } } });

  const router = express.Router();
  router.post('/session', async (req, res) => {
    const user = await authenticate(req, deps);
    if (user.role !== 'admin') throw new Problem(403, `the job dashboard is for admins (your role: ${user.role})`);
    const token = req.get('authorization')!.replace(/^Bearer\s+/i, '').trim();
    res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: BOARD_PATH, maxAge: deps.tokens.accessSeconds * 1000 });
    res.json({ board: `${BOARD_PATH}/`, expiresInSeconds: deps.tokens.accessSeconds });
  });
  const toGate = (req: Request, res: Response) => res.redirect(303, `${BOARD_GATE}?next=${encodeURIComponent(req.originalUrl)}`);
  const fromBrowser = (req: Request) => req.method === 'GET' && !req.get('authorization') && wantsPage(req.get('accept'));
  const gate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const fromCookie = req.get('authorization') ? undefined : cookieToken(req);
      const user = fromCookie ? await userOfToken(fromCookie, deps) : await authenticate(req, deps);
      if (user.role !== 'admin') {
        if (fromBrowser(req)) return void toGate(req, res);
        sendProblem(res, 403, `the job dashboard is for admins (your role: ${user.role})`);
        return;
      }
      next();
    } catch (e) {
      if (fromBrowser(req) && e instanceof Problem && (e.status === 401 || e.status === 403)) return void toGate(req, res);
      if (e instanceof Problem) {
        sendProblem(res, e.status, e.message, e.extra);
        return;
      }
      sendProblem(res, 401, 'log in as an admin, then POST /admin/queues/session (or send a bearer token)');
    }
  };
  // Bull Board's UI ships its own scripts and styles; the API's strict CSP would block them.
  router.use(gate, helmet({ contentSecurityPolicy: false }), adapter.getRouter() as Router);
  return router;
}
