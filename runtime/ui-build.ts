import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/env.ts';
import { logger } from '../config/logger.ts';

const UI_ROOT = path.join(PROJECT_ROOT, 'ui');
const DIST_INDEX = path.join(UI_ROOT, 'dist', 'index.html');
/** What the bundle is made of: a change to any of these makes ui/dist stale. */
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((p) => path.join(UI_ROOT, p));

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** Why ui/dist must be (re)built, or null when it is up to date. */
export function uiBuildReason(): string | null {
  if (!existsSync(DIST_INDEX)) return 'ui/dist is missing';
  const built = statSync(DIST_INDEX).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(s) > built);
  return changed ? `${path.relative(PROJECT_ROOT, changed)} changed since the last build` : null;
}

/**
 * Builds the workbench with Vite when ui/dist is missing or older than its sources. Vite is a dev
 * dependency: an install without it (npm ci --omit=dev) cannot build, and we say so instead of
 * serving a blank page.
 */
export async function ensureUiBuilt(opts: { quiet?: boolean } = {}): Promise<{ built: boolean; reason: string | null }> {
  const reason = uiBuildReason();
  if (!reason) return { built: false, reason: null };
  const log = logger().child({ component: 'ui-build' });
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error(`the workbench needs building (${reason}) but Vite is not installed: run \`npm ci\` (with dev dependencies) and \`npm run build:ui\``);
  }
  const started = Date.now();
  log.info({ reason }, 'building the workbench (ui/)');
  await vite.build({ configFile: path.join(UI_ROOT, 'vite.config.ts'), logLevel: opts.quiet ? 'warn' : 'info' });
  log.info({ seconds: (Date.now() - started) / 1000 }, 'workbench built into ui/dist');
  return { built: true, reason };
}
