import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROLES, type Role } from '../../access/roles.ts';
import { API_PREFIX } from '../../api/openapi.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import type { DetectionSummary } from '../../detection/run-detection.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { client, createRoleUsers, loadDetectedDataset, PASSWORDS, USERNAME, type Reply } from './api-client.ts';

const JWT_SECRET = 'integration-test-secret-stored-values-0123456789';

/**
 * Issue 21: "the API never answers 500 because of a stored value". Values no ingest lets through today
 * (Infinity, NaN, a number stored as text, an impossible date, a megabyte of text) are written straight
 * into the real graph with Cypher, as an older ingest or another tool could have left them. Every ring,
 * claim and case route must then answer: the entity that carries the value with a clear problem (a
 * single entity) or without it (a list), every other entity as before, and never a 500.
 */
describe('the API over stored values it cannot serve (real Neo4j and Redis)', () => {
  const stack = inject('stack');
  let services: Services;
  let api: ApiServer;
  let call: ReturnType<typeof client>;
  let detection: DetectionSummary;
  const token = {} as Record<Role, string>;
  const v1 = (p: string) => `${API_PREFIX}${p}`;
  const get = (p: string, role: Role = 'investigator') => call('get', v1(p), { token: token[role] });
  const run = (cypher: string, params: Record<string, unknown> = {}) => services.driver.executeQuery(cypher, params);

  // The rings whose stored values are broken, and one left alone.
  let infinite: string; // totalAmount Infinity, fundPaid NaN
  let textCount: string; // claimCount stored as text
  let badHistory: string; // a run's FOUND.fundPaid is Infinity (defect 2: the history kept the value)
  let sound: string;
  let badClaim: string; // a claim of `sound` whose fundPaid is Infinity
  let oddClaims: string[]; // claims of `sound` with an impossible date and a megabyte of text
  let caseOnInfinite: string;
  let caseOnSound: string;

  const expectNot500 = (r: Reply, what: string) => expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 300)}`).not.toBe(500);
  const expectStoredValueProblem = (r: Reply, entity: RegExp) => {
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(422);
    expect(r.contentType).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 422, type: 'urn:ringlens:problem:invalid-stored-value' });
    expect(r.body.detail).toMatch(entity);
  };

  beforeAll(async () => {
    services = openServices(stack, `${inject('queuePrefix')}-stored-values`);
    const loaded = await loadDetectedDataset(services.driver);
    detection = loaded.detection;
    await createRoleUsers(services.driver);
    api = await startApiServer(services, '127.0.0.1', 0, {
      jwtSecret: JWT_SECRET,
      uploadDir: path.join(loaded.dir, 'uploads'),
      uploadMaxBytes: 1024 * 1024,
      loginRateLimit: { limit: 10_000, windowMs: 60_000 },
      corsOrigins: [],
    });
    call = client(api.url);
    for (const role of ROLES) {
      const r = await call('post', v1('/auth/login'), { body: { username: USERNAME[role], password: PASSWORDS[role] } });
      expect(r.status).toBe(200);
      token[role] = r.body.accessToken;
    }
    const rings = detection.rings.map((r) => r.ringId);
    expect(rings.length).toBeGreaterThanOrEqual(4);
    [infinite, textCount, badHistory, sound] = rings as [string, string, string, string];

    // Cases first (creating one reads the ring), then the values break underneath them.
    for (const ringId of [infinite, sound]) {
      const created = await call('post', v1('/cases'), { token: token.supervisor, body: { ringId } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      if (ringId === infinite) caseOnInfinite = created.body.caseId;
      else caseOnSound = created.body.caseId;
    }
    const claims = await run('MATCH (:Ring {ringId: $ringId})-[:EVIDENCED_BY]->(c:Claim) RETURN c.claimId AS id ORDER BY id LIMIT 3', { ringId: sound });
    [badClaim, ...oddClaims] = claims.records.map((r) => r.get('id') as string) as [string, ...string[]];
    expect(oddClaims.length).toBe(2);

    await run('MATCH (r:Ring {ringId: $ringId}) SET r.totalAmount = 1.0 / 0.0, r.fundPaid = 0.0 / 0.0', { ringId: infinite });
    await run("MATCH (r:Ring {ringId: $ringId}) SET r.claimCount = 'many'", { ringId: textCount });
    await run('MATCH (:DetectionRun)-[f:FOUND]->(r:Ring {ringId: $ringId}) SET f.fundPaid = 1.0 / 0.0', { ringId: badHistory });
    await run('MATCH (c:Claim {claimId: $id}) SET c.fundPaid = 1.0 / 0.0, c.total = -1.0 / 0.0', { id: badClaim });
    // An impossible calendar date (only text can hold it) and a megabyte of text: values the schema takes.
    await run("MATCH (c:Claim {claimId: $id}) SET c.settledAt = '2024-02-30T09:00:00+08:00', c.admissionDate = 'FEBRUARY 30'", { id: oddClaims[0] });
    await run('MATCH (c:Claim {claimId: $id}) SET c.diagnosisName = $long', { id: oddClaims[1], long: '糖'.repeat(1_000_000) });
  }, 600_000);

  afterAll(async () => {
    await api?.close();
    await services?.close();
  });

  it('ring list: withholds the rings it cannot carry, serves every other ring', async () => {
    const r = await get('/rings?limit=200');
    expectNot500(r, 'GET /rings');
    expect(r.status).toBe(200);
    const ids = (r.body.items as { ringId: string }[]).map((x) => x.ringId);
    expect(ids).not.toContain(infinite);
    expect(ids).not.toContain(textCount);
    expect(ids).toContain(badHistory); // its summary is sound; only its history is not
    expect(ids).toContain(sound);
    expect(ids.length).toBe(detection.rings.length - 2);
    // Sorted by the broken amount, too.
    for (const sort of ['-fundPaid', 'totalAmount', '-claimCount']) {
      const sorted = await get(`/rings?limit=200&sort=${sort}`);
      expectNot500(sorted, `GET /rings?sort=${sort}`);
      expect(sorted.status).toBe(200);
    }
  });

  it('ring detail: a clear 422 naming the ring that holds the value, 200 for the others; a broken history entry is withheld and said so', async () => {
    expectStoredValueProblem(await get(`/rings/${infinite}`), new RegExp(`ringId ${infinite}.*(totalAmount|fundPaid)`));
    expectStoredValueProblem(await get(`/rings/${textCount}`), new RegExp(`ringId ${textCount}.*claimCount`));
    // Defect 2's ring whose run history kept the value: the ring is served, without that run's entry.
    const history = await get(`/rings/${badHistory}`);
    expect(history.status, JSON.stringify(history.body).slice(0, 300)).toBe(200);
    expect(history.headers.get('ringlens-withheld')).toBe('1');
    const { records } = await run('MATCH (:DetectionRun)-[f:FOUND]->(:Ring {ringId: $ringId}) RETURN count(f) AS n', { ringId: badHistory });
    expect((history.body.history as { change: string }[]).filter((h) => h.change !== 'dissolved').length).toBe((records[0]!.get('n') as number) - 1);
    const ok = await get(`/rings/${sound}`);
    expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(200);
    expect(ok.body.ringId).toBe(sound);
    for (const ringId of [infinite, textCount, badHistory, sound]) expectNot500(await get(`/rings/${ringId}/graph`), `GET /rings/${ringId}/graph`);
  });

  it("ring claims: the claim with an infinite amount is withheld, the impossible date and the long text do not break the page", async () => {
    const r = await get(`/rings/${sound}/claims?limit=200`);
    expectNot500(r, 'GET /rings/:ringId/claims');
    expect(r.status).toBe(200);
    expect(r.headers.get('ringlens-withheld')).toBe('1');
    const ids = (r.body.items as { claimId: string }[]).map((c) => c.claimId);
    expect(ids).not.toContain(badClaim);
    expect(ids).toEqual(expect.arrayContaining(oddClaims));
    const { records } = await run('MATCH (:Ring {ringId: $ringId})-[:EVIDENCED_BY]->(c:Claim) RETURN count(c) AS n', { ringId: sound });
    expect(ids.length).toBe(Math.min(200, (records[0]!.get('n') as number) - 1));
    // Paging one claim at a time, through a cursor that carries the impossible date: never a 500, and
    // the pages hold the claims of the one page, in its order.
    const paged: string[] = [];
    for (let cursor: string | null = null, pages = 0; pages < ids.length + 1; pages++) {
      const page: Reply = await get(`/rings/${sound}/claims?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expectNot500(page, `GET /rings/:ringId/claims page ${pages}`);
      expect(page.status, JSON.stringify(page.body).slice(0, 300)).toBe(200);
      paged.push(...(page.body.items as { claimId: string }[]).map((c) => c.claimId));
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    expect(paged.slice(0, ids.length)).toEqual(ids);
    for (const ringId of [infinite, textCount, badHistory]) {
      const other = await get(`/rings/${ringId}/claims`);
      expectNot500(other, `GET /rings/${ringId}/claims`);
      expect(other.status).toBe(200);
    }
  });

  it("an entity's claims: the same, through the institution and card of the broken claim", async () => {
    const { records } = await run('MATCH (c:Claim {claimId: $id})-[:AT]->(i:Institution) MATCH (c)-[:CHARGED_TO]->(k:Card) RETURN i.code AS institution, k.cardNo AS card', { id: badClaim });
    const { institution, card } = records[0]!.toObject() as { institution: string; card: string };
    for (const [type, key] of [['institution', institution], ['card', card]] as const) {
      const r = await get(`/entities/${type}/${encodeURIComponent(key)}/claims?limit=200`);
      expectNot500(r, `GET /entities/${type}/:key/claims`);
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
      expect((r.body.items as { claimId: string }[]).map((c) => c.claimId)).not.toContain(badClaim);
    }
  });

  it('cases: the case on the broken ring answers a 422 naming it and is left out of the list; the other case is served', async () => {
    expectStoredValueProblem(await get(`/cases/${caseOnInfinite}`, 'supervisor'), new RegExp(`caseId ${caseOnInfinite}.*ring\\.fundPaid`));
    const ok = await get(`/cases/${caseOnSound}`, 'supervisor');
    expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(200);
    const list = await get('/cases?limit=100', 'supervisor');
    expectNot500(list, 'GET /cases');
    expect(list.status).toBe(200);
    const ids = (list.body.items as { caseId: string }[]).map((c) => c.caseId);
    expect(ids).toContain(caseOnSound);
    expect(ids).not.toContain(caseOnInfinite);
  });
});
