import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import helmet from 'helmet';
import { PROJECT_ROOT } from '../config/env.ts';
import { API_PREFIX } from './openapi.ts';

/** Where `vite build` puts the workbench (ui/vite.config.ts). */
export const UI_DIST = path.join(PROJECT_ROOT, 'ui', 'dist');

/** Paths the server answers itself; everything else that is a GET for a page is the single-page app. */
const SERVER_PATHS = [API_PREFIX, '/openapi.json', '/docs', '/healthz', '/readyz'];
const isServerPath = (p: string) => SERVER_PATHS.some((s) => p === s || p.startsWith(`${s}/`));

/**
 * Only a browser navigation (which names text/html outright) gets the app; a client that accepts
 * anything (curl, fetch, a bureau system) asking for an unknown path gets the API's 404 problem.
 */
export const wantsPage = (accept: string | undefined) => accept !== undefined && /\btext\/html\b/i.test(accept);

/**
 * Serves the investigator workbench (ui/dist) at `/`, with SPA fallback: a GET for any other path
 * that is not a file answers index.html, so deep links (/rings/R-…) survive a reload.
 *
 * The workbench page gets the API's CSP plus two narrow additions: `worker-src 'self' blob:` because
 * graphology's ForceAtlas2 worker is started from a Blob URL, and `blob:` images for PNG export.
 * WebGL (sigma) needs nothing from CSP.
 */
export function staticUiRouter(distDir: string = UI_DIST): Router {
  const r = express.Router();
  const csp = helmet.contentSecurityPolicy({
    directives: { upgradeInsecureRequests: null, workerSrc: ["'self'", 'blob:'], imgSrc: ["'self'", 'data:', 'blob:'] },
  });
  const index = path.join(distDir, 'index.html');
  r.use('/assets', express.static(path.join(distDir, 'assets'), { index: false, immutable: true, maxAge: '1y', fallthrough: false }));
  r.use(express.static(distDir, { index: false, maxAge: '1h' }));
  r.get(/.*/, csp, (req, res, next) => {
    if (isServerPath(req.path) || !wantsPage(req.get('accept'))) return next();
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The workbench is not built. Run `npm run build:ui` (or start `ringlens serve` / `npm run demo` from a checkout with dev dependencies installed: they build it).\n');
      return;
    }
    // index.html names the hashed bundle of the current build: never cache it.
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}
