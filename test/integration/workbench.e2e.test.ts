import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv, PROJECT_ROOT } from '../../config/env.ts';
import { verifyPackage } from '../../exports/package/verify.ts';
import { startWorkers } from '../../jobs/workers.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { ensureUiBuilt } from '../../runtime/ui-build.ts';
import { launchChromium } from '../support/browser.ts';
import { client, createRoleUsers, loadDetectedDataset, PASSWORDS, USERNAME } from './api-client.ts';

/**
 * The investigator workbench end to end: the real `ringlens serve` app (API + built ui/dist) on a
 * free port against the test Neo4j, a generated dataset ingested and detected, and Debian's
 * headless Chromium driving it. Every step leaves a screenshot in test-artifacts/workbench/.
 */
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts', 'workbench');
const JWT_SECRET = 'workbench-e2e-secret-0123456789abcdef';
// The workspace asks for the ring graph with these limits (ui/src/pages/RingWorkspace.tsx).
const GRAPH_QUERY = 'maxNodes=2000&maxClaims=10000';

/** What the page exposes for tests (ui/src/graph/test-hook.ts). */
const hook = <T>(page: Page, f: string): Promise<T> => page.evaluate(`(() => { const h = window.__ringlens; return ${f}; })()`) as Promise<T>;

describe('investigator workbench in headless Chromium', () => {
  const stack = inject('stack');
  let services: Services;
  let api: ApiServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  const call = () => client(api.url);
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureUiBuilt({ quiet: true });
    browser = await launchChromium();
    services = openServices(stack, `${inject('queuePrefix')}-workbench`);
    await loadDetectedDataset(services.driver, 15_000);
    await createRoleUsers(services.driver);
    api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: JWT_SECRET, loginRateLimit: { limit: 1000, windowMs: 60_000 } });
    const login = await call()('post', '/api/v1/auth/login', { body: { username: USERNAME.investigator, password: PASSWORDS.investigator } });
    token = login.body.accessToken;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await services?.close();
  });

  let ringId: string;
  let expectedNodes: number;

  it('serves the workbench at / with SPA fallback and a CSP that allows the layout worker', async () => {
    const res = await fetch(`${api.url}/rings/some-deep-link`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<div id="root">/);
    expect(res.headers.get('content-security-policy')).toMatch(/worker-src 'self' blob:/);
    // API paths never fall back to the page.
    const api404 = await fetch(`${api.url}/api/v1/no-such-route`, { headers: { accept: 'text/html' } });
    expect(api404.status).toBe(404);
    expect(api404.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('logs in and shows the ring queue, top ring first', async () => {
    await page.goto(`${api.url}/`);
    await page.waitForSelector('[data-testid=login-form]');
    await shot('01-login');
    await page.fill('input[name=username]', USERNAME.investigator);
    await page.fill('input[name=password]', PASSWORDS.investigator);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=ring-table] tbody tr');
    const top = await call()('get', '/api/v1/rings?limit=1', { token });
    ringId = top.body.items[0].ringId;
    // One detection run so far: every ring is new in it, and the queue badges say so.
    expect(top.body.items[0].lastChange).toBe('new');
    expect(await page.locator('[data-testid=ring-table] tbody tr:first-child [data-testid=badge-new]').count()).toBe(1);
    expect(await page.getAttribute('[data-testid=ring-table] tbody tr:first-child', 'data-ring-id')).toBe(ringId);
    // Money in the queue is yuan with the ¥ sign (zh-CN).
    expect(await page.textContent('[data-testid=ring-table] tbody tr:first-child')).toMatch(/¥[\d,]+\.\d\d/);
    await shot('02-ring-queue');
  });

  it('opens the top ring and draws its graph: the expected node count, pixels on the WebGL canvas', async () => {
    const graph = await call()('get', `/api/v1/rings/${ringId}/graph?${GRAPH_QUERY}`, { token });
    expectedNodes = graph.body.nodes.length;
    expect(expectedNodes).toBeGreaterThan(1);
    await page.click('[data-testid=ring-table] tbody tr:first-child');
    await page.waitForSelector('[data-testid=graph] canvas');
    // Predicates are functions, not strings: the page's CSP forbids eval, which string predicates need.
    await page.waitForFunction((n) => { const h = (globalThis as any).__ringlens; return !!h?.graph && h.graph.order === n && h.renders > 0; }, expectedNodes, { timeout: 30_000 });
    expect(await page.getAttribute('[data-testid=graph]', 'data-node-count')).toBe(String(expectedNodes));
    expect(await hook<number>(page, 'h.graph.size')).toBe(graph.body.edges.length);
    // A ring this size gets the full drawing (pictograms, thick edges) even without a GPU; bench:ui
    // checks that a 2,000-node ring switches to the simplified one on this software-rendered WebGL.
    expect(expectedNodes + graph.body.edges.length).toBeLessThan(2_000);
    expect(await page.getAttribute('[data-testid=graph]', 'data-drawing')).toBe('full');
    // Let the ForceAtlas2 worker spread the nodes, then stop it so positions hold still for clicking.
    await page.waitForTimeout(2500);
    if ((await page.textContent('[data-testid=layout-toggle]'))?.includes('停止')) await page.click('[data-testid=layout-toggle]');
    const pixels = await hook<Record<string, number>>(page, 'h.probePixels()');
    expect(pixels.nodes, JSON.stringify(pixels)).toBeGreaterThan(200);
    expect(pixels.edges, JSON.stringify(pixels)).toBeGreaterThan(100);
    await page.waitForSelector('[data-testid=evidence-item]');
    await shot('03-ring-graph');
  });

  /** Viewport position of a node, relative to the page (for real mouse clicks on the canvas). */
  async function nodeOnPage(node: string): Promise<{ x: number; y: number }> {
    const box = (await page.locator('[data-testid=graph]').boundingBox())!;
    const p = await hook<{ x: number; y: number }>(page, `(() => { const d = h.sigma.getNodeDisplayData(${JSON.stringify(node)}); return h.sigma.framedGraphToViewport({ x: d.x, y: d.y }); })()`);
    return { x: box.x + p.x, y: box.y + p.y };
  }

  /** A node of the given type whose spot on the canvas no other node covers (and the node panel, which lies over the right 400 px, does not either). */
  async function clickableNode(types: string[]): Promise<string> {
    const candidates = await hook<string[]>(page, `h.graph.filterNodes((n, a) => ${JSON.stringify(types)}.includes(a.nodeType)).sort((a, b) => ${JSON.stringify(types)}.indexOf(h.graph.getNodeAttribute(a, 'nodeType')) - ${JSON.stringify(types)}.indexOf(h.graph.getNodeAttribute(b, 'nodeType')))`);
    for (const n of candidates) {
      const hit = await hook<string | null>(page, `(() => { const d = h.sigma.getNodeDisplayData(${JSON.stringify(n)}); const v = h.sigma.framedGraphToViewport({ x: d.x, y: d.y }); const box = h.sigma.getContainer().getBoundingClientRect(); if (v.x < 20 || v.y < 20 || v.x > box.width - 420 || v.y > box.height - 20) return null; return h.sigma.getNodeAtPosition ? h.sigma.getNodeAtPosition(v) : ${JSON.stringify(n)}; })()`);
      if (hit === n) return n;
    }
    throw new Error(`no clickable ${types.join('/')} node among ${candidates.length}`);
  }

  it('clicks a node and shows its panel: profile, claims table and timeline', async () => {
    const node = await clickableNode(['person', 'card', 'doctor', 'institution']);
    const at = await nodeOnPage(node);
    await page.mouse.move(at.x, at.y);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector(`[data-testid=node-panel][data-node-id="${node}"]`);
    await page.waitForSelector('[data-testid=node-panel] [data-testid=claims-table] tbody tr', { timeout: 20_000 });
    // the timeline is aggregated over all the entity's claims on the server (issue 23): one bar per month
    await page.waitForSelector('[data-testid=node-panel] [data-testid=timeline] [data-testid=timeline-period-bar]');
    await shot('04-node-panel');
  });

  it('double-clicks a card (or person) to expand its neighbours into the graph', async () => {
    const before = await hook<number>(page, 'h.graph.order');
    const card = await clickableNode(['card', 'person']);
    const at = await nodeOnPage(card);
    await page.mouse.dblclick(at.x, at.y);
    await page.waitForFunction((n) => (globalThis as any).__ringlens.graph.order > n, before, { timeout: 20_000 });
    const after = await hook<number>(page, 'h.graph.order');
    // Its claims are not on the ring drawing: they arrive with the expansion, linked to the card.
    expect(after).toBeGreaterThan(before);
    expect(await hook<number>(page, `h.graph.filterNeighbors(${JSON.stringify(card)}, (n, a) => a.nodeType === 'claim').length`)).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid=expand-message]');
    // Nodes that arrive are drawn at sigma's next frame; what runs before it — the sizes of the grown graph,
    // a hover redraw while the pointer still rests on the card — must not treat them as drawn (it threw
    // "Sigma: node … can't be repaint" now and then, and the graph was gone).
    const beforeFrame = await page.evaluate((node) => {
      const h = (globalThis as any).__ringlens;
      const extra = `${node}#probe`;
      try {
        h.graph.addNode(extra, { ...h.graph.getNodeAttributes(node), key: extra, label: '' });
        h.graph.addEdge(node, extra, { ...h.graph.getEdgeAttributes(h.graph.edges(node)[0]) });
        h.sizeNodes();
        h.sigma.emit('enterNode', { node });
        h.sigma.emit('leaveNode', { node });
        return null;
      } catch (e) {
        return String(e);
      } finally {
        if (h.graph.hasNode(extra)) h.graph.dropNode(extra);
      }
    }, card);
    expect(beforeFrame).toBeNull();
    await page.waitForTimeout(1500);
    await shot('05-expanded');
  });

  it('highlights the nodes an evidence sentence speaks of', async () => {
    // A sentence that counts claims highlights what those claims touch, once the ring's claims have loaded
    // (before that its own entities stand in); one that only names entities highlights those.
    await page.click('[data-testid=tab-claims]');
    await page.waitForSelector('[data-testid=claims-count][data-complete=true]', { timeout: 30_000 });
    await page.click('[data-testid=tab-graph]');
    await page.click('[data-testid=evidence-item] >> nth=0');
    await page.waitForSelector('[data-testid=evidence-item].active');
    const detail = await call()('get', `/api/v1/rings/${ringId}`, { token });
    const sentence = detail.body.evidence[0] as { entities: string[]; claimIds?: string[] };
    const wanted = new Set<string>(sentence.claimIds ? [] : sentence.entities);
    if (sentence.claimIds) {
      const ids = new Set(sentence.claimIds);
      type C = { claimId: string; cardNo: string | null; holder: { idNumber: string } | null; recipient: { idNumber: string } | null; institution: { code: string } | null; doctorCode: string | null; prescriberCode: string | null };
      let cursor: string | null = null;
      do {
        const r: { body: { items: C[]; nextCursor: string | null } } = await call()('get', `/api/v1/rings/${ringId}/claims?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token });
        for (const c of r.body.items) {
          if (!ids.has(c.claimId)) continue;
          for (const k of [c.cardNo && `card:${c.cardNo}`, c.holder && `person:${c.holder.idNumber}`, c.recipient && `person:${c.recipient.idNumber}`, c.institution && `institution:${c.institution.code}`, c.doctorCode && `doctor:${c.doctorCode}`, c.prescriberCode && `doctor:${c.prescriberCode}`, `claim:${c.claimId}`]) if (k) wanted.add(k);
        }
        cursor = r.body.nextCursor;
      } while (cursor);
    }
    const onGraph = await hook<string[]>(page, 'h.graph.filterNodes(() => true).map((n) => h.graph.getNodeAttribute(n, "nodeType") + ":" + h.graph.getNodeAttribute(n, "key"))');
    // The node selected in the previous step stays marked too.
    const selected = await page.getAttribute('[data-testid=node-panel]', 'data-node-id');
    const highlighted = await hook<number>(page, `h.graph.filterNodes((n) => n !== ${JSON.stringify(selected)} && h.sigma.getNodeDisplayData(n).highlighted).length`);
    const selectedWanted = selected ? wanted.has(await hook<string>(page, `h.graph.getNodeAttribute(${JSON.stringify(selected)}, 'nodeType') + ':' + h.graph.getNodeAttribute(${JSON.stringify(selected)}, 'key')`)) : false;
    expect(highlighted).toBe(onGraph.filter((k) => wanted.has(k)).length - (selectedWanted ? 1 : 0));
    expect(highlighted).toBeGreaterThan(0);
    await shot('06-evidence-highlight');
  });

  it('opens a case, moves it to investigating, notes it and confirms it as fraud — reflected at once', async () => {
    await page.click('[data-testid=create-case]');
    await page.waitForSelector('[data-testid=case-view][data-case-status=new]');
    await page.click('[data-testid=move-investigating]');
    await page.waitForSelector('[data-testid=case-view][data-case-status=investigating]');
    await page.fill('[data-testid=case-note]', '核实：同一批卡在同一药店集中结算');
    await page.click('[data-testid=add-note]');
    await page.waitForSelector('[data-testid=case-history] >> text=核实：同一批卡');
    await page.click('[data-testid=move-confirmed]');
    await page.waitForSelector('[data-testid=case-view][data-case-status=confirmed]');
    const caseId = (await page.getAttribute('[data-testid=case-view]', 'data-case-id'))!;
    const c = await call()('get', `/api/v1/cases/${caseId}`, { token });
    expect(c.body).toMatchObject({ status: 'confirmed', verdict: 'fraud', ring: { ringId } });
    expect(c.body.history.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['created', 'transition', 'note']));
    await shot('07-case-confirmed');
  });

  it('builds the case export package through a worker and downloads it from the case panel; the package verifies', async () => {
    const exportDir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-e2e-exports-'));
    const env = loadEnv({ ...process.env, RINGLENS_EXPORT_DIR: path.join(exportDir, 'packages'), RINGLENS_EXPORT_KEY_DIR: path.join(exportDir, 'keys') });
    const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, concurrency: 1, env });
    try {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.click('[data-testid=export-package]')]);
      const file = path.join(ARTIFACTS, download.suggestedFilename());
      await download.saveAs(file);
      const caseId = (await page.getAttribute('[data-testid=case-view]', 'data-case-id'))!;
      const report = await verifyPackage(readFileSync(file));
      expect(report.problems).toEqual([]);
      expect(report.manifest!.caseNumber).toBe(caseId);
      expect(download.suggestedFilename()).toBe(`${report.manifest!.caseNumber}.zip`);
      await page.waitForSelector('[data-testid=case-view] >> text=案件包已生成', { timeout: 10_000 });
      await shot('07b-export-package');
    } finally {
      await pool.close();
      rmSync(exportDir, { recursive: true, force: true });
    }
  });

  it('switches to English: labels, and money and dates formatted for the locale', async () => {
    await page.click('[data-testid=lang-switch]');
    await page.waitForSelector('text=Evidence');
    expect(await page.textContent('[data-testid=ring-side]')).toMatch(/fund paid ¥[\d,]+\.\d\d/);
    expect(await page.textContent('[data-testid=case-status]')).toBe('confirmed');
    // Messages shown before the switch follow it too.
    expect(await page.textContent('[data-testid=expand-message]')).toMatch(/^\d+ new nodes added$/);
    await page.waitForSelector('[data-testid=case-view] >> text=Case package ready');
    await shot('08-english');
  });

  it('reaches entity search, a profile page and the runs page from the navigation', async () => {
    const detail = await call()('get', `/api/v1/rings/${ringId}`, { token });
    const institution = detail.body.members.find((m: { type: string }) => m.type === 'institution') ?? detail.body.members[0];
    await page.click('nav >> text=Entity search');
    await page.fill('[data-testid=entity-search]', institution.key);
    await page.press('[data-testid=entity-search]', 'Enter');
    await page.waitForSelector('[data-testid=search-results] a');
    await shot('10-entity-search');
    await page.click('[data-testid=search-results] a >> nth=0');
    await page.waitForSelector('[data-testid=profile-page] [data-testid=claims-table]');
    await page.waitForSelector('[data-testid=profile-page] .facts', { timeout: 30_000 });
    expect(await page.textContent('[data-testid=profile-page]')).toContain(institution.key);
    await shot('11-entity-profile');
    await page.click('nav >> text=Detection runs');
    await page.waitForSelector('[data-testid=runs-table] tbody tr');
    expect(await page.locator('[data-testid=runs-table] tbody tr').count()).toBe(1);
    await shot('12-runs');
    // A deep link (SPA fallback) back to the ring, still logged in (the session lives in the tab).
    await page.goto(`${api.url}/rings/${ringId}`);
    await page.waitForFunction((n) => { const h = (globalThis as any).__ringlens; return !!h?.graph && h.graph.order === n && h.renders > 0; }, expectedNodes, { timeout: 30_000 });
  });

  it('exports the graph as a PNG', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-png]')]);
    const file = path.join(ARTIFACTS, 'ring-export.png');
    await download.saveAs(file);
    const png = readFileSync(file);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBeGreaterThan(200); // IHDR width
    expect(png.length).toBeGreaterThan(5_000);
    await shot('09-after-export');
  });

  it('lists a scheduled report on the runs page and opens its HTML and PDF', async () => {
    const admin = (await call()('post', '/api/v1/auth/login', { body: { username: USERNAME.admin, password: PASSWORDS.admin } })).body.accessToken as string;
    const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, concurrency: 1, env: loadEnv() });
    try {
      const created = await call()('post', '/api/v1/schedules', { token: admin, body: { id: 'e2e-daily', title: '每日团伙检测报告', kind: 'detection', cron: '0 2 * * *', period: 'day' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const run = await call()('post', '/api/v1/schedules/e2e-daily/run', { token: admin, body: { periodKey: '2026-03-02' } });
      expect(run.status, JSON.stringify(run.body)).toBe(202);
      let status = '';
      for (let k = 0; k < 240 && status !== 'ready'; k++) {
        const detail = await call()('get', run.body.reportUrl, { token });
        status = detail.body?.status ?? '';
        if (status !== 'ready') await new Promise((r) => setTimeout(r, 500));
      }
      expect(status).toBe('ready');
    } finally {
      await pool.close();
    }
    await page.click('nav >> text=Detection runs');
    const row = page.locator('[data-testid=reports-table] tr[data-report-id="e2e-daily--2026-03-02"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('每日团伙检测报告');
    await shot('13-reports');
    const [popup] = await Promise.all([page.waitForEvent('popup'), row.locator('[data-testid=report-html]').click()]);
    await popup.waitForLoadState();
    expect(await popup.textContent('body')).toContain('每日团伙检测报告');
    await popup.close();
    const [pdf] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid=report-pdf]').click()]);
    expect(pdf.suggestedFilename()).toBe('e2e-daily--2026-03-02.pdf');
    const file = path.join(ARTIFACTS, 'report.pdf');
    await pdf.saveAs(file);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
