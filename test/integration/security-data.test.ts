import { runDoctorRating, runRating } from '../../rating/run-rating.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROLES, type Role } from '../../access/roles.ts';
import { MASK_LEVEL } from '../../access/masking.ts';
import { createApp } from '../../api/app.ts';
import { API_PREFIX } from '../../api/openapi.ts';
import type { AnyRoute } from '../../api/route.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import type { DetectionSummary } from '../../detection/run-detection.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { client, createRoleUsers, loadDetectedDataset, PASSWORDS, USERNAME, type Reply } from './api-client.ts';

/**
 * Attacks on personal data (issue 22, defects 2 and 7): every route, called by every role with real
 * parameters, is scanned for full ID numbers, card numbers and names of the dataset's persons. Roles
 * that see persons masked must never get one — the audit trail included.
 */
const JWT_SECRET = 'security-data-secret-0123456789abcdef';
const v1 = (p: string) => `${API_PREFIX}${p}`;

const readCsv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const CJK_RUN = /[\u4e00-\u9fff]{2,}/g;

/** The persons' identifiers of a dataset, and a scanner that finds them in a response. */
function personalData(dataDir: string) {
  const persons = readCsv(path.join(dataDir, 'persons.csv'));
  const cards = readCsv(path.join(dataDir, 'cards.csv'));
  const ids = new Set(persons.map((p) => p.id_number!));
  const cardIds = new Set(cards.map((c) => c.card_id!));
  // A person's name that is also inside a doctor's name (马志强 in 司马志强: doctors are listed by name, unmasked,
  // on the doctor-rating routes) or an institution's name is not evidence of a leak.
  const doctorText = readCsv(path.join(dataDir, 'doctors.csv')).map((d) => d.name!).join('|');
  const institutionText = readCsv(path.join(dataDir, 'institutions.csv')).map((i) => i.name!).join('|');
  const names = new Set(persons.map((p) => p.name!).filter((n) => n && !doctorText.includes(n) && !institutionText.includes(n)));
  return {
    persons,
    cards,
    find(text: string): string[] {
      const found = new Set<string>();
      for (const m of text.matchAll(/(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/g)) if (ids.has(m[0])) found.add(`id ${m[0]}`);
      for (const m of text.matchAll(/(?<![0-9A-Za-z])(EV\d{16}|[A-Z]\d{8})(?![0-9])/g)) if (cardIds.has(m[0])) found.add(`card ${m[0]}`);
      for (const [run] of text.matchAll(CJK_RUN)) {
        for (let len = 2; len <= 4; len++) for (let i = 0; i + len <= run.length; i++) if (names.has(run.slice(i, i + len))) found.add(`name ${run.slice(i, i + len)}`);
      }
      return [...found];
    },
  };
}

describe('security: personal data reaches only the roles that may see it', () => {
  const stack = inject('stack');
  let services: Services;
  let api: ApiServer;
  let routes: AnyRoute[];
  let call: ReturnType<typeof client>;
  let detection: DetectionSummary;
  let scan: ReturnType<typeof personalData>;
  const token = {} as Record<Role, string>;
  const sample = {} as { ringId: string; caseId: string; personId: string; personNode: string; cardNo: string; cardNode: string; name: string; institutionCode: string; doctorCode: string };

  beforeAll(async () => {
    services = openServices(stack, `${inject('queuePrefix')}-security-data`);
    const loaded = await loadDetectedDataset(services.driver);
    detection = loaded.detection;
    scan = personalData(loaded.data);
    await createRoleUsers(services.driver);
    api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: JWT_SECRET, loginRateLimit: { limit: 10_000, windowMs: 60_000 } });
    routes = createApp(services, { jwtSecret: JWT_SECRET }).routes;
    call = client(api.url);
    for (const role of ROLES) token[role] = (await call('post', v1('/auth/login'), { body: { username: USERNAME[role], password: PASSWORDS[role] } })).body.accessToken;

    // A ring member who holds a card, with names: the parameters every route is called with.
    const { records } = await services.driver.executeQuery(
      `MATCH (r:Ring)-[:HAS_MEMBER]->(p:Person)-[:HOLDS]->(c:Card) WHERE p.name IS NOT NULL
       RETURN r.ringId AS ringId, p.idNumber AS personId, elementId(p) AS personNode, p.name AS name, c.cardNo AS cardNo, elementId(c) AS cardNode LIMIT 1`,
    );
    expect(records).toHaveLength(1);
    Object.assign(sample, records[0]!.toObject());
    // An institution of a ring, rated: the credit-rating routes answer with data, not a 404.
    const inst = await services.driver.executeQuery('MATCH (:Ring)-[:HAS_MEMBER]->(i:Institution) RETURN i.code AS code LIMIT 1');
    sample.institutionCode = inst.records[0]!.get('code') as string;
    await runRating(services.driver, { period: '2024-H2' });
    // A rated doctor with claims of a ring: the doctor-rating routes answer with data too (their `:code` is the institution's above).
    const doc = await services.driver.executeQuery('MATCH (:Ring)-[:EVIDENCED_BY]->(:Claim)-[:BY|PRESCRIBED_BY]->(d:Doctor) RETURN d.code AS code LIMIT 1');
    sample.doctorCode = doc.records[0]!.get('code') as string;
    await runDoctorRating(services.driver, { period: '2024-H2' });
    const created = await call('post', v1('/cases'), { token: token.investigator, body: { ringId: sample.ringId, title: 'security scan' } });
    expect(created.status).toBe(201);
    sample.caseId = created.body.caseId;
  }, 600_000);

  afterAll(async () => {
    await api?.close();
    await services?.close();
  });

  const PARAMS: Record<string, () => string> = {
    ringId: () => sample.ringId,
    caseId: () => sample.caseId,
    type: () => 'person',
    key: () => sample.personId,
    queue: () => 'detect',
    jobId: () => 'no-such-job',
    username: () => USERNAME.investigator,
    exportId: () => '00000000-0000-4000-8000-000000000000',
    scheduleId: () => 'no-such-schedule',
    reportId: () => 'no-such-schedule--2026-01-01',
    format: () => 'json',
    code: () => sample.institutionCode,
  };
  /** Query strings that make a route return data rather than a 400. */
  const QUERY: Record<string, () => string[]> = {
    searchEntities: () => [`q=${sample.personId}`, `q=${encodeURIComponent(sample.name)}`, `q=${sample.cardNo}`],
    expandNode: () => [`node=${encodeURIComponent(sample.personNode)}&hops=2`],
    shortestConnection: () => [`from=${encodeURIComponent(sample.personNode)}&to=${encodeURIComponent(sample.cardNode)}`],
    listAuditEvents: () => ['limit=1000', `subject=${sample.personId}&limit=1000`, `target=${encodeURIComponent(`person:${sample.personId}`)}&limit=1000`],
  };
  /** URLs the registry pass does not reach by its parameters alone: the card's profile and claims. */
  const EXTRA: [method: string, url: () => string, roles: readonly Role[]][] = [
    ['get', () => v1(`/entities/card/${sample.cardNo}`), ['investigator', 'supervisor', 'admin']],
    ['get', () => v1(`/entities/card/${sample.cardNo}/claims`), ['investigator', 'supervisor', 'admin']],
    ['get', () => v1(`/ratings/doctors/${sample.doctorCode}`), ['investigator', 'supervisor', 'admin']],
  ];

  it('every route × every role: masked roles get no full ID number, card number or name; every JSON answer is no-store', async () => {
    const leaks: string[] = [];
    const fullHits: Record<string, number> = {};
    const missingNoStore: string[] = [];
    let answers = 0;
    let scanned = 0;
    const inspect = (role: Role, what: string, url: string, r: Reply) => {
      answers++;
      if (/json/.test(r.contentType) && r.headers.get('cache-control') !== 'no-store') missingNoStore.push(`${what} ${r.status}`);
      if (!/json|text|csv|html/.test(r.contentType)) return;
      scanned++;
      // A problem names the request it answers (instance, detail): the caller's own input, not a disclosure.
      const echoed = (f: string) => r.status >= 400 && decodeURIComponent(url).includes(f.slice(f.indexOf(' ') + 1));
      const found = scan.find(typeof r.body === 'string' ? r.body : JSON.stringify(r.body)).filter((f) => !echoed(f));
      if (MASK_LEVEL[role] === 'masked') leaks.push(...found.map((f) => `${what} as ${role}: ${f}`));
      else fullHits[role] = (fullHits[role] ?? 0) + found.length;
    };
    // Roles that see everything go first: their reads fill the audit trail the masked roles then read.
    const order = [...ROLES].sort((a, b) => (MASK_LEVEL[a] === MASK_LEVEL[b] ? 0 : MASK_LEVEL[a] === 'full' ? -1 : 1));
    // Logout last: it ends the role's session (the token is renewed after the pass).
    const ordered = [...routes.filter((r) => r.operationId !== 'logout'), ...routes.filter((r) => r.operationId === 'logout')];
    for (const role of order) {
      for (const [method, url, roles] of EXTRA) if (roles.includes(role)) inspect(role, `${method.toUpperCase()} ${url()}`, url(), await call(method, url(), { token: token[role] }));
      for (const r of ordered) {
        if (r.roles !== 'public' && !r.roles.includes(role)) continue;
        const url = v1(r.path.replace(/:([A-Za-z]+)/g, (_m, p: string) => encodeURIComponent(PARAMS[p]!())));
        for (const q of QUERY[r.operationId]?.() ?? ['']) {
          const full = q ? `${url}?${q}` : url;
          const res = await call(r.method, full, { token: token[role], body: r.method === 'get' ? undefined : {} });
          expect(res.status, `${r.operationId} as ${role}`).not.toBe(401);
          inspect(role, `${r.method.toUpperCase()} ${r.path}${q ? `?${q.split('=')[0]}` : ''}`, full, res);
        }
      }
      token[role] = (await call('post', v1('/auth/login'), { body: { username: USERNAME[role], password: PASSWORDS[role] } })).body.accessToken;
    }
    expect(leaks).toEqual([]);
    expect(missingNoStore).toEqual([]);
    // The scanner does find what it looks for: the roles that see everything got plenty.
    expect(fullHits.investigator).toBeGreaterThan(20);
    expect(scanned).toBeGreaterThan(100);
    console.log(`[security-data] ${answers} answers checked, ${scanned} scanned for personal data; full-view hits ${JSON.stringify(fullHits)}; masked-role leaks ${leaks.length}`);
  });

  it('the audit trail shows an admin persons masked in subjects, targets, paths and search terms, and still answers "who looked at this person"', async () => {
    await call('get', `${v1('/entities/search')}?q=${sample.personId}`, { token: token.investigator });
    await call('get', `${v1('/entities/search')}?q=${encodeURIComponent(sample.name)}`, { token: token.investigator });
    await call('get', v1(`/entities/person/${sample.personId}`), { token: token.investigator });
    await call('get', v1(`/entities/card/${sample.cardNo}`), { token: token.investigator });
    const r = await call('get', `${v1('/audit')}?subject=${sample.personId}&limit=1000`, { token: token.admin });
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeGreaterThan(2);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(sample.personId);
    expect(text).not.toContain(sample.cardNo);
    expect(scan.find(text)).toEqual([]);
    const profileRead = r.body.items.find((e: { target: string }) => e.target?.startsWith('person:'));
    expect(profileRead.target).toBe(`person:${sample.personId.slice(0, 6)}********${sample.personId.slice(-4)}`);
    expect(profileRead.path).toContain(`${sample.personId.slice(0, 6)}********${sample.personId.slice(-4)}`);
    const all = await call('get', `${v1('/audit')}?limit=1000`, { token: token.admin });
    expect(scan.find(JSON.stringify(all.body))).toEqual([]);
  });

  it('defect 7: /graph/expand and /graph/path answer 404 for users, audit events, cases, regions, items and bookkeeping nodes', async () => {
    const { records } = await services.driver.executeQuery(
      `UNWIND ['User', 'AuditEvent', 'Case', 'Region', 'Item', 'IngestCheckpoint', 'SchemaMigration', 'DetectionRun'] AS label
       CALL (label) { MATCH (n) WHERE label IN labels(n) RETURN elementId(n) AS id LIMIT 1 }
       RETURN label, id`,
    );
    const found = Object.fromEntries(records.map((r) => [r.get('label') as string, r.get('id') as string]));
    expect(Object.keys(found)).toEqual(expect.arrayContaining(['User', 'AuditEvent', 'Case', 'Region', 'Item', 'SchemaMigration']));
    const statuses: Record<string, number[]> = {};
    for (const [label, id] of Object.entries(found)) {
      const expand = await call('get', `${v1('/graph/expand')}?node=${encodeURIComponent(id)}`, { token: token.investigator });
      const pathTo = await call('get', `${v1('/graph/path')}?from=${encodeURIComponent(sample.personNode)}&to=${encodeURIComponent(id)}`, { token: token.investigator });
      statuses[label] = [expand.status, pathTo.status];
    }
    expect(statuses).toEqual(Object.fromEntries(Object.keys(found).map((l) => [l, [404, 404]])));
    // Investigative nodes still expand.
    expect((await call('get', `${v1('/graph/expand')}?node=${encodeURIComponent(sample.personNode)}`, { token: token.investigator })).status).toBe(200);
  });
});
