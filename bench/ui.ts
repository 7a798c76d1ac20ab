/**
 * UI benchmark: the workbench in headless Chromium on a 2,000-node / 10,000-edge ring.
 *   npm run bench:ui [-- --nodes 2000 --edges 10000 --runs 5 --reuse --screenshot FILE.png]
 * A synthetic ring (bench/synthetic-ring.ts) is written into its own Neo4j instance ("bench-ui-<nodes>-<edges>");
 * the real `ringlens serve` app (API + built ui/dist) serves it; the page is the real ring workspace.
 * Prints, as medians over --runs page loads:
 *   - time to first render: navigation start → sigma's first frame of the ring (and graph response → first frame)
 *   - frame times (requestAnimationFrame deltas) while the script pans (mouse drags) and zooms (wheel),
 *     from the fitted view, with the layout stopped and with ForceAtlas2 running in its worker:
 *     median, p95, max, frames over 200 ms; and which drawing the page chose (simple without a GPU).
 *
 *   npm run bench:ui -- --tabs-instance NAME [--rings 5 --runs 3]
 * instead measures the ring page's tabs (members, claims, timeline) on a local instance that already
 * holds a detected dataset (the 1M-claim one: bench/README.md), for the rings with the most claims
 * (bench/ui-tabs.ts): time from the click to the tab's content, opened straight after navigation and
 * on a loaded page, medians and maxima, and the API calls behind them.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { hashPassword } from '../access/passwords.ts';
import { startApiServer } from '../api/server.ts';
import { loadEnv } from '../config/env.ts';
import { migrate } from '../graph/migrate.ts';
import { createUser, findUser } from '../graph/users/users.ts';
import { openServices } from '../runtime/services.ts';
import { ensureUiBuilt } from '../runtime/ui-build.ts';
import { ensureStack, stopStack } from '../stack/stack.ts';
import { launchChromium } from '../test/support/browser.ts';
import { writeSyntheticRing } from './synthetic-ring.ts';
import { measureTabs, ringsToMeasure } from './ui-tabs.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '2000' },
    edges: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    reuse: { type: 'boolean', default: false },
    // a PNG of the workspace after the last run, to look at what the figures are about
    screenshot: { type: 'string' },
    // the tabs bench: a detected dataset's local instance, and how many of its largest rings
    'tabs-instance': { type: 'string' },
    rings: { type: 'string', default: '5' },
  },
});
const env = loadEnv({ ...process.env, NEO4J_HEAP: process.env.NEO4J_HEAP ?? '1g', NEO4J_PAGECACHE: process.env.NEO4J_PAGECACHE ?? '512m' });
// One instance per ring size: rings of different sizes share entity keys, so --reuse must not mix them.
const instance = `bench-ui-${values.nodes}-${values.edges}`;
const USER = 'bench.investigator';
const PASSWORD = 'bench-investigator-password';

const renderTimes: number[] = [];
/** page code that puts sigma's camera back on the fitted view */
const FIT_VIEW = `window.__ringlens.sigma.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 })`;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (x: number) => `${x.toFixed(1)} ms`;

await ensureUiBuilt();
if (values['tabs-instance']) {
  await benchTabs(values['tabs-instance']);
  process.exit(0);
}
const loadBefore = os.loadavg();
const stack = await ensureStack(env, { instance, freshNeo4j: !values.reuse, neo4jPort: 0 });
const services = openServices(stack, `ringlens-bench-ui-${process.pid}`);
const browser = await launchChromium();
try {
  await migrate(services.driver);
  const ring = await writeSyntheticRing(services.driver, { nodes: Number(values.nodes), edges: Number(values.edges) });
  console.log(`synthetic ring ${ring.ringId}: ${ring.nodes} nodes, ${ring.edges} edges (from ${ring.claims} evidence claims)`);
  if (!(await findUser(services.driver, USER))) await createUser(services.driver, { username: USER, displayName: 'bench', role: 'investigator', passwordHash: await hashPassword(PASSWORD) });
  const api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: 'bench-ui-secret-0123456789abcdef0123', loginRateLimit: { limit: 1000, windowMs: 60_000 } });
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(`${api.url}/login`);
  await page.fill('input[name=username]', USER);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=ring-table]');

  let drawing = '';
  const firstRender: number[] = [];
  const renderAfterData: number[] = [];
  const still: number[] = [];
  const withLayout: number[] = [];
  for (let run = 1; run <= Number(values.runs); run++) {
    await page.goto(`${api.url}/rings/${ring.ringId}`);
    await until(page, `!!window.__ringlens?.graph && window.__ringlens.graph.order === ${ring.nodes} && window.__ringlens.firstRenderAt !== null`, 120_000);
    const t = (await page.evaluate(`(() => {
      const h = window.__ringlens;
      const res = performance.getEntriesByType('resource').find((e) => /\\/graph\\?/.test(e.name));
      return { first: h.firstRenderAt, graphEnd: res ? res.responseEnd : NaN, edges: h.graph.size, drawing: document.querySelector('[data-testid=graph]').dataset.drawing };
    })()`)) as { first: number; graphEnd: number; edges: number; drawing: string };
    drawing = t.drawing;
    if (t.edges !== ring.edges) throw new Error(`the page drew ${t.edges} edges, expected ${ring.edges}`);
    firstRender.push(t.first);
    renderAfterData.push(t.first - t.graphEnd);
    // Layout is running right after load: interact while ForceAtlas2 works in its worker.
    withLayout.push(...(await interact(page)));
    if ((await page.textContent('[data-testid=layout-toggle]'))?.match(/停止|Stop/)) await page.click('[data-testid=layout-toggle]');
    await page.waitForTimeout(300);
    still.push(...(await interact(page)));
    if (values.screenshot && run === Number(values.runs)) {
      await page.evaluate(FIT_VIEW);
      await page.waitForTimeout(1000);
      await page.screenshot({ path: values.screenshot });
    }
    console.log(`run ${run}: first render ${ms(t.first)} after navigation (${ms(t.first - t.graphEnd)} after the graph response)`);
  }
  const report = (name: string, xs: number[]) =>
    console.log(`${name}: ${xs.length} frames, median ${ms(median(xs))}, p95 ${ms(quantile(xs, 0.95))}, max ${ms(Math.max(...xs))}, over 200 ms: ${xs.filter((x) => x > 200).length}`);
  console.log(`\n${ring.nodes} nodes / ${ring.edges} edges, ${values.runs} page loads (Chromium ${browser.version()}, SwiftShader WebGL, no GPU; ${drawing} drawing)`);
  console.log(`time to first render: median ${ms(median(firstRender))} after navigation; median ${ms(median(renderAfterData))} after the graph response`);
  report('pan + zoom, layout stopped', still);
  console.log(`sigma render (main thread), all interaction: ${renderTimes.length} renders, median ${ms(median(renderTimes))}, p95 ${ms(quantile(renderTimes, 0.95))}, max ${ms(Math.max(...renderTimes))}`);
  console.log(`load average during the bench: ${loadBefore.map((x) => x.toFixed(1)).join(' ')} → ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores, shared)`);
  report('pan + zoom, ForceAtlas2 running', withLayout);
  await api.close();
} finally {
  await browser.close();
  await services.close();
  await stopStack(env, instance, stack);
}

/**
 * Polls a page expression. Page code is passed as strings: tsx compiles functions with esbuild's
 * __name helper, which does not exist in the page, and waitForFunction with a string needs eval,
 * which the workbench's CSP forbids (page.evaluate goes through the DevTools protocol instead).
 */
async function until(page: Page, expr: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Scripted pan (mouse drags) and zoom (wheel), with requestAnimationFrame deltas recorded meanwhile. */
async function interact(page: Page): Promise<number[]> {
  const box = (await page.locator('[data-testid=graph]').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.evaluate(`(() => {
    // sigma's own render time (main thread: reducers, buffers, draw calls), beside the frame gaps.
    if (!window.__renderHooked) {
      window.__renderHooked = true;
      window.__renders = [];
      let t0 = 0;
      window.__ringlens.sigma.on('beforeRender', () => { t0 = performance.now(); });
      window.__ringlens.sigma.on('afterRender', () => { if (window.__recording) window.__renders.push(performance.now() - t0); });
    }
    window.__renders.length = 0;
    // Every phase starts from the fitted view, the costliest one (everything on screen): a phase
    // that starts where the previous one zoomed in would look faster than it is.
    ${FIT_VIEW};
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  })()`);
  for (let k = 0; k < 3; k++) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 200, cy + 80, { steps: 20 });
    await page.mouse.move(cx - 150, cy - 60, { steps: 20 });
    await page.mouse.up();
    for (let w = 0; w < 6; w++) {
      await page.mouse.wheel(0, k % 2 ? 120 : -120);
      await page.waitForTimeout(30);
    }
  }
  await page.waitForTimeout(200);
  const out = (await page.evaluate(`(() => { window.__recording = false; return { frames: window.__frames.slice(1), renders: window.__renders.slice() }; })()`)) as { frames: number[]; renders: number[] };
  renderTimes.push(...out.renders);
  return out.frames;
}

/** The tabs bench (bench/ui-tabs.ts) on an existing, detected instance; the instance is left running. */
async function benchTabs(name: string): Promise<void> {
  const load0 = os.loadavg();
  const tabsEnv = loadEnv(process.env);
  const stack = await ensureStack(tabsEnv, { instance: name });
  const services = openServices(stack, `ringlens-bench-ui-tabs-${process.pid}`);
  const browser = await launchChromium();
  try {
    const { records } = await services.driver.executeQuery('MATCH (c:Claim) RETURN count(c) AS n');
    const claims = Number(records[0]!.get('n'));
    if (!(await findUser(services.driver, USER))) await createUser(services.driver, { username: USER, displayName: 'bench', role: 'investigator', passwordHash: await hashPassword(PASSWORD) });
    const rings = await ringsToMeasure(services.driver, Number(values.rings));
    if (rings.length === 0) throw new Error(`instance ${name} holds no rings: run \`ringlens detect --instance ${name}\` first`);
    const api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: 'bench-ui-secret-0123456789abcdef0123', loginRateLimit: { limit: 1000, windowMs: 60_000 } });
    try {
      const figures = await measureTabs(browser, api.url, { username: USER, password: PASSWORD }, rings, Number(values.runs));
      const all = (pick: (f: (typeof figures)[number]) => number[]) => figures.flatMap(pick);
      const line = (xs: number[]) => `median ${ms(median(xs))}, max ${ms(Math.max(...xs))}, over 1 s: ${xs.filter((x) => x > 1000).length} of ${xs.length}`;
      console.log(`\ninstance ${name}: ${claims} claims; ${rings.length} rings with the most evidence claims, ${values.runs} page loads per ring and tab (Chromium ${browser.version()})`);
      for (const f of figures) {
        const a = f.api;
        console.log(
          `${f.ringId} ${f.family}, ${f.claimCount} claims, ${f.memberCount} members: ` +
            (['members', 'claims', 'timeline'] as const).map((t) => `${t} cold ${ms(median(f.cold[t]))} / warm ${ms(median(f.warm[t]))}`).join('; ') +
            `; claims complete (cold) ${ms(median(f.claimsComplete))}` +
            `; API: ${a[0]?.claimPages ?? 0} claims pages in ${ms(median(a.map((x) => x.claimsMs)))} (slowest page ${ms(median(a.map((x) => x.slowestPageMs)))}), timeline ${ms(median(a.map((x) => x.timelineMs)))}`,
        );
      }
      for (const t of ['members', 'claims', 'timeline'] as const) {
        const errors = figures.reduce((n, f) => n + f.errors[t], 0);
        if (errors) console.log(`${t} tab: ${errors} openings showed an error instead (not in the figures)`);
        console.log(`${t} tab, straight after navigation: ${line(all((f) => f.cold[t]))}`);
        console.log(`${t} tab, on a loaded page: ${line(all((f) => f.warm[t]))}`);
        if (t === 'claims') console.log(`claims tab, straight after navigation, until every claim has arrived: ${line(all((f) => f.claimsComplete))}`);
      }
      console.log(`load average during the bench: ${load0.map((x) => x.toFixed(1)).join(' ')} → ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores, shared)`);
    } finally {
      await api.close();
    }
  } finally {
    await browser.close();
    await services.close();
    await stopStack(tabsEnv, name, stack);
  }
}
