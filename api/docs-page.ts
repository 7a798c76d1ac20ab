import express, { type Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

/**
 * A browsable API reference at /docs: swagger-ui from the npm package, served by us (no CDN), with
 * its initialiser in a file so the Content-Security-Policy needs no inline scripts.
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>RingLens API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false });`;

export function docsRouter(): Router {
  const r = express.Router();
  r.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  r.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  r.use('/docs/assets', express.static(getAbsoluteFSPath(), { index: false, maxAge: '1d' }));
  return r;
}
