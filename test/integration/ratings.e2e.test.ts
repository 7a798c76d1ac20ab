import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../config/env.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import { DEFAULT_DOCTOR_MODEL_FILE, loadRatingModel } from '../../rating/load.ts';
import { runDoctorRating, runRating } from '../../rating/run-rating.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { ensureUiBuilt } from '../../runtime/ui-build.ts';
import { en } from '../../ui/src/i18n/en.ts';
import { zh } from '../../ui/src/i18n/zh.ts';
import { launchChromium } from '../support/browser.ts';
import { client, createRoleUsers, loadDetectedDataset, PASSWORDS, USERNAME } from './api-client.ts';

/**
 * Credit ratings through the API and the workbench: the real app on a free port, a generated dataset
 * ingested, detected and rated for two half-years, Debian's headless Chromium on the institutions page
 * and an institution's profile. Screenshots go to test-artifacts/ratings/.
 */
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts', 'ratings');
const JWT_SECRET = 'ratings-e2e-secret-0123456789abcdef0123';

describe('credit ratings: API and workbench in headless Chromium', () => {
  const stack = inject('stack');
  const model = loadRatingModel();
  const doctorModel = loadRatingModel(DEFAULT_DOCTOR_MODEL_FILE);
  let services: Services;
  let api: ApiServer;
  let browser: Browser;
  let page: Page;
  const tokens: Record<string, string> = {};
  const call = () => client(api.url);
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureUiBuilt({ quiet: true });
    browser = await launchChromium();
    services = openServices(stack, `${inject('queuePrefix')}-ratings-e2e`);
    await loadDetectedDataset(services.driver, 20_000);
    await runRating(services.driver, { period: '2024-H1' });
    await runRating(services.driver, { period: '2024-H2' });
    await runDoctorRating(services.driver, { period: '2024-H1' });
    await runDoctorRating(services.driver, { period: '2024-H2' });
    await createRoleUsers(services.driver);
    api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: JWT_SECRET, loginRateLimit: { limit: 1000, windowMs: 60_000 } });
    for (const role of ['investigator', 'supervisor', 'liaison'] as const) {
      const login = await call()('post', '/api/v1/auth/login', { body: { username: USERNAME[role], password: PASSWORDS[role] } });
      tokens[role] = login.body.accessToken;
    }
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await services?.close();
  });

  it('lists ratings with the band distribution, filters and sorting; role rules; the breakdown read is audited', async () => {
    const token = tokens.investigator;
    const list = await call()('get', '/api/v1/ratings?limit=500', { token });
    expect(list.status).toBe(200);
    expect(list.body.period).toBe('2024-H2');
    const total = Object.values(list.body.bands as Record<string, number>).reduce((s, n) => s + n, 0);
    expect(total).toBe(list.body.total);
    const scores = (list.body.items as { score: number | null }[]).map((r) => r.score ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => a - b)); // default: worst first
    const worstBand = list.body.items[0].band as string;
    const byBand = await call()('get', `/api/v1/ratings?band=${worstBand}&kind=pharmacy,clinic,hospital`, { token });
    expect(byBand.body.items.length).toBe(list.body.bands[worstBand]);
    expect((byBand.body.items as { band: string }[]).every((r) => r.band === worstBand)).toBe(true);
    const pharmacies = await call()('get', '/api/v1/ratings?kind=pharmacy&sort=-ringFundShare', { token });
    expect((pharmacies.body.items as { kind: string }[]).every((r) => r.kind === 'pharmacy')).toBe(true);
    const shares = (pharmacies.body.items as { ringFundShare: number | null }[]).map((r) => r.ringFundShare ?? -1);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));

    const periods = await call()('get', '/api/v1/ratings/periods', { token });
    expect((periods.body.items as { period: string }[]).map((p) => p.period)).toEqual(['2024-H2', '2024-H1']);

    const bad = await call()('get', '/api/v1/ratings?period=2024-13', { token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('query.period');
    expect((await call()('get', '/api/v1/ratings', { token: tokens.liaison })).status).toBe(403);
    expect((await call()('post', '/api/v1/ratings/runs', { token, body: { period: '2024-H2' } })).status).toBe(403);
    expect((await call()('get', '/api/v1/ratings/institutions/NO-SUCH', { token })).status).toBe(404);

    const code = list.body.items[0].code as string;
    const detail = await call()('get', `/api/v1/ratings/institutions/${code}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.current.lines.map((l: { indicator: string }) => l.indicator)).toEqual(model.indicators.map((i) => i.id));
    expect(detail.body.trend.map((p: { period: string }) => p.period)).toEqual(['2024-H1', '2024-H2']);
    expect(detail.body.categories.map((c: { points: number }) => c.points)).toEqual([30, 110, 580, 180, 100]);
    const imported = detail.body.current.lines.filter((l: { source: string; status: string }) => l.source === 'imported' && l.status !== 'not-applicable');
    expect(imported.length).toBeGreaterThan(0);
    for (const l of imported) expect({ status: l.status, points: l.points, value: l.value }).toEqual({ status: 'missing', points: null, value: null });
    const { records } = await services.driver.executeQuery("MATCH (a:AuditEvent {action: 'rating-read', target: $target}) RETURN a.actor AS actor", { target: `institution:${code}` });
    expect(records.map((r) => r.get('actor'))).toContain(USERNAME.investigator);

    const queued = await call()('post', '/api/v1/ratings/runs', { token: tokens.supervisor, body: { period: '2024-Q4' } });
    expect(queued.status).toBe(202);
    expect(queued.body.period).toBe('2024-Q4');
    await services.queues.rate.obliterate({ force: true });

    // The ring list shows each ring's institutions with their band.
    const rings = await call()('get', '/api/v1/rings?limit=200', { token });
    const withInstitutions = (rings.body.items as { institutions: { code: string; band: string | null }[] }[]).filter((r) => r.institutions.length > 0);
    expect(withInstitutions.length).toBeGreaterThan(0);
    const bands = new Map((list.body.items as { code: string; band: string | null }[]).map((r) => [r.code, r.band]));
    for (const r of withInstitutions) for (const i of r.institutions) expect(i.band).toBe(bands.get(i.code) ?? null);
  });

  it('shows the institutions page: band distribution, filter by band and kind, sort by score', async () => {
    await page.goto(`${api.url}/login`);
    await page.fill('input[name=username]', USERNAME.investigator);
    await page.fill('input[name=password]', PASSWORDS.investigator);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=ring-table] tbody tr');
    // The ring queue carries the institutions' bands.
    expect(await page.locator('[data-testid=ring-bands] [data-testid=band-badge]').count()).toBeGreaterThan(0);
    await shot('01-ring-queue-bands');

    await page.click('nav >> text=机构信用');
    await page.waitForSelector('[data-testid=institution-table] tbody tr');
    const ref = await call()('get', '/api/v1/ratings?limit=500', { token: tokens.investigator });
    const bars = await page.locator('[data-testid=band-bar]').evaluateAll((els: any[]) => els.map((e) => [e.getAttribute('data-band'), Number(e.getAttribute('data-count'))]));
    for (const [band, n] of bars) expect(n).toBe(ref.body.bands[band as string] ?? 0);
    expect(await page.locator('[data-testid=institution-table] tbody tr').count()).toBe(Math.min(50, ref.body.total));
    const first = await page.getAttribute('[data-testid=institution-table] tbody tr:first-child', 'data-code');
    expect(first).toBe(ref.body.items[0].code);
    await shot('02-institutions');

    // Sort by score descending: the best first.
    await page.click('[data-testid=sort-score]');
    await page.waitForFunction(() => new URL((globalThis as any).location.href).searchParams.get('sort') === '-score');
    await page.waitForFunction((code) => (globalThis as any).document.querySelector('[data-testid=institution-table] tbody tr:first-child')?.getAttribute('data-code') !== code, first);
    const top = await page.locator('[data-testid=institution-table] tbody tr').evaluateAll((els: any[]) => els.map((e) => Number(e.getAttribute('data-score') || -1)));
    expect(top).toEqual([...top].sort((a, b) => b - a));

    // Filter by the worst band through its bar, then by kind.
    const worst = ref.body.items[0].band as string;
    await page.click(`[data-testid=band-bar][data-band=${worst}]`);
    await page.waitForFunction((b) => new URL((globalThis as any).location.href).searchParams.get('band') === b, worst);
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('[data-testid=institution-table] tbody tr').length === n, ref.body.bands[worst]);
    const shown = await page.locator('[data-testid=institution-table] tbody tr').evaluateAll((els: any[]) => els.map((e) => e.getAttribute('data-band')));
    expect(new Set(shown)).toEqual(new Set([worst]));
    await shot('03-institutions-band-filter');
    await page.selectOption('[data-testid=kind-filter]', 'pharmacy');
    await page.waitForFunction(() => new URL((globalThis as any).location.href).searchParams.get('kind') === 'pharmacy');
    const filtered = await call()('get', `/api/v1/ratings?band=${worst}&kind=pharmacy`, { token: tokens.investigator });
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('[data-testid=institution-table] tbody tr').length === n || (n === 0 && !!(globalThis as any).document.querySelector('[data-testid=empty]')), filtered.body.items.length);

    // Region: a picker of region names (not a typed code), filtering the list to the chosen region's institutions.
    await page.goto(`${api.url}/institutions`);
    await page.waitForSelector('[data-testid=institution-table] tbody tr');
    expect(await page.evaluate(() => (globalThis as any).document.querySelector('[data-testid=region-filter]').tagName)).toBe('SELECT');
    const regions = await call()('get', '/api/v1/regions', { token: tokens.investigator });
    const named = (regions.body.items as { code: string; name: string | null }[]).filter((g) => g.name);
    expect(named.length).toBeGreaterThan(0);
    const options = await page.locator('[data-testid=region-filter] option').evaluateAll((els: any[]) => els.map((e) => [e.value, e.textContent]));
    for (const g of named) expect(options).toContainEqual([g.code, g.name]);
    const byRegion = await Promise.all(named.map(async (g) => ({ g, page: await call()('get', `/api/v1/ratings?region=${g.code}&limit=500`, { token: tokens.investigator }) })));
    const pick = byRegion.find((r) => r.page.body.total > 0)!;
    await page.selectOption('[data-testid=region-filter]', { label: pick.g.name! });
    await page.waitForFunction((code) => new URL((globalThis as any).location.href).searchParams.get('region') === code, pick.g.code);
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('[data-testid=institution-table] tbody tr').length === n, Math.min(50, pick.page.body.total));
    const codes = await page.locator('[data-testid=institution-table] tbody tr').evaluateAll((els: any[]) => els.map((e) => e.getAttribute('data-code')));
    expect(codes).toEqual((pick.page.body.items as { code: string }[]).slice(0, 50).map((r) => r.code));
    // The region column shows the name too.
    expect(await page.textContent('[data-testid=institution-table] tbody tr:first-child td:nth-child(7)')).toBe(pick.g.name);
    await shot('03b-institutions-region-picker');
  });

  it("opens an institution's profile: score, band, categories, breakdown with missing imports, trend, rings", async () => {
    const list = await call()('get', '/api/v1/ratings?limit=1', { token: tokens.investigator });
    const code = list.body.items[0].code as string;
    const detail = await call()('get', `/api/v1/ratings/institutions/${code}`, { token: tokens.investigator });
    await page.goto(`${api.url}/institutions`);
    await page.waitForSelector(`[data-testid=institution-table] tbody tr[data-code="${code}"]`);
    await page.click(`[data-testid=institution-table] tbody tr[data-code="${code}"]`);
    await page.waitForSelector('[data-testid=breakdown-table] tbody tr');
    expect(await page.getAttribute('[data-testid=rating-band] [data-testid=band-badge]', 'data-band')).toBe(detail.body.current.band ?? 'none');
    expect(Number((await page.textContent('[data-testid=rating-score]'))!.replace(/,/g, ''))).toBeCloseTo(detail.body.current.score, 1);
    expect(await page.locator('[data-testid=breakdown-table] tbody tr').count()).toBe(model.indicators.length);
    // External indicators nobody imported are shown as missing, never as 0 points.
    const missing = page.locator('[data-testid=breakdown-table] tbody tr[data-indicator=admin-penalties]');
    expect(await missing.getAttribute('data-status')).toBe('missing');
    expect(await missing.locator('td.pts').textContent()).toBe('缺失');
    expect(await page.locator('[data-testid=trend-point]').count()).toBe(2);
    expect(await page.locator('[data-testid=institution-rings] tbody tr').count()).toBe(detail.body.rings.length);
    expect(detail.body.rings.length).toBeGreaterThan(0);
    // Its doctors, each with the doctor model's rating.
    const doctors = await call()('get', `/api/v1/ratings/doctors?institution=${code}&period=${detail.body.current.period}&limit=500`, { token: tokens.investigator });
    expect(doctors.body.items.length).toBeGreaterThan(0);
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('[data-testid=doctor-table] tbody tr').length === n, doctors.body.items.length);
    await shot('04-institution-profile');
    // The page scrolls inside its own container: a viewport shot of the doctors section, scrolled into view.
    await page.locator('[data-testid=doctor-table]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, '04b-institution-doctors.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(ARTIFACTS, '05-institution-profile-top.png') });
  });

  it('a hospital without an imported CMI shows the line as missing, never as 0', async () => {
    const hospitals = await call()('get', '/api/v1/ratings?kind=hospital&limit=1', { token: tokens.investigator });
    const code = hospitals.body.items[0].code as string;
    const detail = await call()('get', `/api/v1/ratings/institutions/${code}`, { token: tokens.investigator });
    expect(detail.body.current.lines.find((l: { indicator: string }) => l.indicator === 'cmi')).toMatchObject({ source: 'imported', status: 'missing', value: null, points: null });
    await page.goto(`${api.url}/institutions/${code}`);
    const cmi = page.locator('[data-testid=breakdown-table] tbody tr[data-indicator=cmi]');
    await cmi.waitFor();
    expect(await cmi.getAttribute('data-status')).toBe('missing');
    expect(await cmi.locator('td.num').first().textContent()).toBe('—');
    expect(await cmi.locator('td.pts').textContent()).toBe('缺失');
  });

  it('doctor ratings through the API: list, filters, role rules, the breakdown read audited', async () => {
    const token = tokens.investigator;
    const list = await call()('get', '/api/v1/ratings/doctors?limit=500', { token });
    expect(list.status).toBe(200);
    expect(list.body.period).toBe('2024-H2');
    expect(list.body.model).toMatchObject({ id: 'doctor-100', scale: 100 });
    expect(Object.values(list.body.bands as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(list.body.total);
    const scores = (list.body.items as { score: number | null }[]).map((r) => r.score ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    const dept = list.body.departments[0] as string;
    const byDept = await call()('get', `/api/v1/ratings/doctors?department=${encodeURIComponent(dept)}&limit=500`, { token });
    expect((byDept.body.items as { department: string }[]).every((r) => r.department === dept)).toBe(true);
    const periods = await call()('get', '/api/v1/ratings/periods?subject=doctor', { token });
    expect((periods.body.items as { period: string; modelId: string }[]).map((p) => [p.period, p.modelId])).toEqual([
      ['2024-H2', 'doctor-100'],
      ['2024-H1', 'doctor-100'],
    ]);
    expect((await call()('get', '/api/v1/ratings/doctors', { token: tokens.liaison })).status).toBe(403);
    expect((await call()('get', '/api/v1/ratings/doctors/NO-SUCH', { token })).status).toBe(404);
    const bad = await call()('get', '/api/v1/ratings/doctors?period=2024-H3', { token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('query.period');
    const code = list.body.items[0].code as string;
    const detail = await call()('get', `/api/v1/ratings/doctors/${code}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.current.lines.map((l: { indicator: string }) => l.indicator)).toEqual(doctorModel.indicators.map((i) => i.id));
    expect(detail.body.trend.map((p: { period: string }) => p.period)).toEqual(['2024-H1', '2024-H2']);
    for (const l of detail.body.current.lines.filter((l: { source: string }) => l.source === 'imported')) expect({ status: l.status, points: l.points, value: l.value }).toEqual({ status: 'missing', points: null, value: null });
    const { records } = await services.driver.executeQuery("MATCH (a:AuditEvent {action: 'rating-read', target: $target}) RETURN a.actor AS actor", { target: `doctor:${code}` });
    expect(records.map((r) => r.get('actor'))).toContain(USERNAME.investigator);
    const spec = await call()('get', '/openapi.json', {});
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/v1/ratings/doctors', '/api/v1/ratings/doctors/{code}']));
  });

  it("shows the doctors page and a doctor's profile: distribution, department filter, breakdown, trend, rings", async () => {
    const ref = await call()('get', '/api/v1/ratings/doctors?limit=500', { token: tokens.investigator });
    await page.goto(`${api.url}/institutions`);
    await page.click('[data-testid=nav-doctors]');
    await page.waitForSelector('[data-testid=doctor-table] tbody tr');
    const bars = await page.locator('[data-testid=band-bar]').evaluateAll((els: any[]) => els.map((e) => [e.getAttribute('data-band'), Number(e.getAttribute('data-count'))]));
    for (const [band, n] of bars) expect(n).toBe(ref.body.bands[band as string] ?? 0);
    expect(await page.getAttribute('[data-testid=doctor-table] tbody tr:first-child', 'data-code')).toBe(ref.body.items[0].code);
    await shot('06-doctors');
    // The worst rated doctor (doctors without enough coverage to be rated sort first, score null).
    const worst = (ref.body.items as { code: string; band: string; score: number | null }[]).find((r) => r.score !== null)! as { code: string; band: string; score: number };
    const detail = await call()('get', `/api/v1/ratings/doctors/${worst.code}`, { token: tokens.investigator });
    await page.click(`[data-testid=doctor-table] tbody tr[data-code="${worst.code}"] [data-testid=doctor-link]`);
    await page.waitForSelector('[data-testid=doctor-profile] [data-testid=breakdown-table] tbody tr');
    expect(await page.getAttribute('[data-testid=rating-band] [data-testid=band-badge]', 'data-band')).toBe(worst.band ?? 'none');
    expect(Number((await page.textContent('[data-testid=rating-score]'))!)).toBeCloseTo(worst.score, 1);
    expect(await page.locator('[data-testid=breakdown-table] tbody tr').count()).toBe(doctorModel.indicators.length);
    expect(await page.locator('[data-testid=breakdown-table] tbody tr[data-indicator=payment-points]').getAttribute('data-status')).toBe('missing');
    expect(await page.locator('[data-testid=trend-point]').count()).toBe(2);
    expect(await page.locator('[data-testid=doctor-rings] tbody tr').count()).toBe(detail.body.rings.length);
    await shot('07-doctor-profile');
    // Department filter.
    await page.goto(`${api.url}/doctors`);
    await page.waitForSelector('[data-testid=doctor-table] tbody tr');
    const dept = ref.body.departments[0] as string;
    const byDept = await call()('get', `/api/v1/ratings/doctors?department=${encodeURIComponent(dept)}`, { token: tokens.investigator });
    await page.selectOption('[data-testid=department-filter]', dept);
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('[data-testid=doctor-table] tbody tr').length === n, Math.min(50, byDept.body.total));
  });
  it('names a missing import in words from the catalogues (zh and en), never by its raw key, on the institution and doctor profiles', async () => {
    // Every import key of the two models, e.g. basic-info, self-inspection, payment-points.
    const importKeys = [...model.indicators, ...doctorModel.indicators].flatMap((i) => ('imported' in i.source ? [i.source.imported] : []));
    expect(importKeys.length).toBeGreaterThan(5);
    const institution = (await call()('get', '/api/v1/ratings?kind=hospital&limit=1', { token: tokens.investigator })).body.items[0].code as string;
    const doctor = (await call()('get', '/api/v1/ratings/doctors?limit=1', { token: tokens.investigator })).body.items[0].code as string;
    const catalogues = { zh, en } as const;
    const offenders: string[] = [];
    for (const lang of ['zh', 'en'] as const) {
      await page.evaluate((l) => (globalThis as any).localStorage.setItem('ringlens.lang', l), lang);
      for (const [url, profile, m] of [
        [`/institutions/${institution}`, 'institution', model],
        [`/doctors/${doctor}`, 'doctor', doctorModel],
      ] as const) {
        await page.goto(`${api.url}${url}`);
        await page.waitForSelector('[data-testid=breakdown-table] tbody tr');
        // A raw key shows as a word of its own (quoted or not); in Chinese text any Latin word that is a key is one.
        const text = (await page.textContent('[data-testid=breakdown-table]'))!;
        const words = new Set(text.split(/[\s"“”'‘’（）()，,。.:：;；、]+/));
        for (const k of importKeys) if (words.has(k) && (lang === 'zh' || k.includes('-') || text.includes(`"${k}"`) || text.includes(`“${k}”`))) offenders.push(`${lang} ${profile}: ${k}`);
        // Each missing import's note names it with the catalogue's label.
        for (const ind of m.indicators) {
          if (!('imported' in ind.source)) continue;
          const row = page.locator(`[data-testid=breakdown-table] tbody tr[data-indicator="${ind.id}"]`);
          if ((await row.getAttribute('data-status')) !== 'missing') continue;
          const label = ((catalogues[lang].rating as unknown as { importName?: Record<string, string> }).importName ?? {})[ind.source.imported];
          const note = (await row.locator('td').last().textContent()) ?? '';
          if (!label || !note.includes(label)) offenders.push(`${lang} ${profile} ${ind.id}: note "${note}" does not name the import as rating.importName.${ind.source.imported} (${label ?? 'not in the catalogue'})`);
        }
      }
    }
    await page.evaluate(() => (globalThis as any).localStorage.setItem('ringlens.lang', 'zh'));
    expect(offenders).toEqual([]);
  });
});
