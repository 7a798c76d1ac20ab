/**
 * The ring page's tabs (members, claims, timeline) on a real, detected dataset — issue 23's bar "the ring
 * page's tabs open in ≤ 1 s on the 1M-claim dataset". Called by bench/ui.ts with --tabs-instance NAME:
 * the named local instance must already hold the claims and a detection run (`ringlens ingest --bulk`,
 * `ringlens detect`); nothing is written to it but the bench user (and the API's audit events).
 *
 * For the rings with the most evidence claims (the costliest pages), per page load and tab:
 *   - cold: the page is opened and the tab clicked as soon as the tab bar is there, so whatever the tab
 *     needs is still loading (what an investigator who goes straight to a tab waits for);
 *   - warm: the tab is clicked on a page that has finished loading (switching tabs while working).
 * Time is from the click to the tab's content on screen (rows, the timeline chart), measured in the
 * page (performance.now() around the click, then a requestAnimationFrame poll for the content). The
 * API calls behind each tab are listed from Resource Timing (claims pages, timeline), server time included.
 */
import type { Browser, Page } from 'playwright-core';
import neo4j, { type Driver } from 'neo4j-driver';

const TABS = ['members', 'claims', 'timeline'] as const;
type Tab = (typeof TABS)[number];
/** what shows that a tab has its content (an empty tab shows the empty state) */
const READY: Record<Tab, string> = {
  members: '[data-testid=tab-body-members] [data-testid=member-row], [data-testid=tab-body-members] [data-testid=empty]',
  claims: '[data-testid=tab-body-claims] [data-testid=ring-claim-row], [data-testid=tab-body-claims] [data-testid=empty]',
  timeline: '[data-testid=tab-body-timeline] [data-testid=timeline], [data-testid=tab-body-timeline] [data-testid=empty]',
};
/** the claims tab shows its first page at once and says when the rest has arrived */
const CLAIMS_COMPLETE = '[data-testid=tab-body-claims] [data-testid=claims-count][data-complete=true], [data-testid=tab-body-claims] [data-testid=empty]';

export interface TabFigures {
  ringId: string;
  family: string;
  claimCount: number;
  memberCount: number;
  cold: Record<Tab, number[]>;
  warm: Record<Tab, number[]>;
  /** the claims tab straight after navigation, until every claim has arrived (cold.claims is until the first rows) */
  claimsComplete: number[];
  /** tab openings that ended in an error box (e.g. a 503), per tab */
  errors: Record<Tab, number>;
  /** per page load: the claims pages' count and their summed / slowest duration, the timeline call's duration */
  api: { claimPages: number; claimsMs: number; slowestPageMs: number; timelineMs: number }[];
}

export async function ringsToMeasure(driver: Driver, count: number): Promise<{ ringId: string; family: string; claimCount: number; memberCount: number }[]> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring) WHERE r.status <> 'dissolved'
     RETURN r.ringId AS ringId, r.family AS family, r.claimCount AS claimCount, r.memberCount AS memberCount
     ORDER BY r.claimCount DESC, r.ringId LIMIT $n`,
    { n: neo4j.int(count) },
    { routing: 'READ' },
  );
  return records.map((r) => ({ ringId: r.get('ringId') as string, family: r.get('family') as string, claimCount: Number(r.get('claimCount')), memberCount: Number(r.get('memberCount')) }));
}

/**
 * Clicks a tab and resolves with the milliseconds until each of `ready` (selectors, in the order they
 * appear) is in the DOM and painted; null when the tab showed an error instead (counted apart: a time
 * to an error box is no tab opening).
 */
async function openTabUntil(page: Page, tab: Tab, ready: string[], timeoutMs = 60_000): Promise<number[] | null> {
  return (await page.evaluate(`new Promise((resolve, reject) => {
    const ready = ${JSON.stringify(ready)};
    const times = [];
    const t0 = performance.now();
    document.querySelector('[data-testid=tab-${tab}]').click();
    const deadline = t0 + ${timeoutMs};
    const poll = () => {
      const now = performance.now();
      while (times.length < ready.length && document.querySelector(ready[times.length])) times.push(now);
      if (times.length === ready.length) {
        // the next frame is the one that shows it
        requestAnimationFrame((painted) => resolve(times.map((t, i) => (i === times.length - 1 ? performance.now() : t) - t0)));
        return;
      }
      if (document.querySelector('[data-testid=tab-body-${tab}] [data-testid=error]')) return resolve(null);
      if (now > deadline) return reject(new Error('tab ${tab} did not open within ${timeoutMs} ms'));
      requestAnimationFrame(poll);
    };
    poll();
  })`)) as number[] | null;
}

async function openTab(page: Page, tab: Tab, timeoutMs = 60_000, ready = READY[tab]): Promise<number | null> {
  return (await openTabUntil(page, tab, [ready], timeoutMs))?.[0] ?? null;
}

async function apiTimings(page: Page): Promise<TabFigures['api'][number]> {
  return (await page.evaluate(`(() => {
    const rs = performance.getEntriesByType('resource');
    const pages = rs.filter((e) => /\\/rings\\/[^/]+\\/claims\\?/.test(e.name));
    const tl = rs.find((e) => /\\/rings\\/[^/]+\\/timeline/.test(e.name));
    return {
      claimPages: pages.length,
      claimsMs: pages.length ? Math.max(...pages.map((e) => e.responseEnd)) - Math.min(...pages.map((e) => e.startTime)) : NaN,
      slowestPageMs: pages.length ? Math.max(...pages.map((e) => e.duration)) : NaN,
      timelineMs: tl ? tl.duration : NaN,
    };
  })()`)) as TabFigures['api'][number];
}

export async function measureTabs(browser: Browser, url: string, login: { username: string; password: string }, rings: Awaited<ReturnType<typeof ringsToMeasure>>, runs: number): Promise<TabFigures[]> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(`${url}/login`);
  await page.fill('input[name=username]', login.username);
  await page.fill('input[name=password]', login.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=ring-table]');
  const out: TabFigures[] = [];
  for (const ring of rings) {
    const f: TabFigures = { ...ring, cold: { members: [], claims: [], timeline: [] }, warm: { members: [], claims: [], timeline: [] }, errors: { members: 0, claims: 0, timeline: 0 }, claimsComplete: [], api: [] };
    const record = (into: number[], tab: Tab, x: number | null) => (x === null ? f.errors[tab]++ : into.push(x));
    // One unrecorded load first: the figures are for a server whose page cache has seen the ring (a
    // store read from disk for the first time measures the disk; the first load is printed apart).
    await page.goto(`${url}/rings/${encodeURIComponent(ring.ringId)}`);
    await page.waitForSelector('[data-testid=tab-claims]');
    const t0 = Date.now();
    const first = await openTab(page, 'claims', 120_000, CLAIMS_COMPLETE);
    console.log(`${ring.ringId}: first load (cold page cache), claims tab ${first === null ? 'showed an error' : `${first.toFixed(0)} ms`} (${Date.now() - t0} ms)`);
    for (let run = 0; run < runs; run++) {
      for (const tab of TABS) {
        // cold: straight from navigation to the tab
        await page.goto(`${url}/rings/${encodeURIComponent(ring.ringId)}`);
        await page.waitForSelector(`[data-testid=tab-${tab}]`);
        if (tab === 'claims') {
          // first rows, then every claim
          const times = await openTabUntil(page, tab, [READY.claims, CLAIMS_COMPLETE]);
          record(f.cold.claims, tab, times?.[0] ?? null);
          if (times) f.claimsComplete.push(times[1]!);
          f.api.push(await apiTimings(page));
        } else record(f.cold[tab], tab, await openTab(page, tab));
      }
      // warm: a page that has loaded what its tabs show (the claims tab waits for all its pages), then each tab from the graph tab
      await openTab(page, 'claims', 60_000, CLAIMS_COMPLETE);
      for (const tab of TABS) {
        await page.click('[data-testid=tab-graph]');
        await page.waitForTimeout(200);
        record(f.warm[tab], tab, await openTab(page, tab));
      }
    }
    out.push(f);
  }
  await context.close();
  return out;
}
