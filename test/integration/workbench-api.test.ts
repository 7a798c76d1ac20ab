import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_PREFIX } from '../../api/openapi.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { client, createRoleUsers, loadDetectedDataset, PASSWORDS, USERNAME } from './api-client.ts';

/**
 * Issue 23 at the API: what the workbench's daily flows read — roles with their basis, regions by
 * name, search by substring and any letter case with ring badges, timelines over all claims, Chinese
 * verdict labels.
 */
describe('workbench API (issue 23)', () => {
  const stack = inject('stack');
  let services: Services;
  let api: ApiServer;
  let token: string;
  const v1 = (p: string) => `${API_PREFIX}${p}`;
  const get = (p: string) => client(api.url)('get', v1(p), { token });

  beforeAll(async () => {
    services = openServices(stack, `${inject('queuePrefix')}-wbapi`);
    await loadDetectedDataset(services.driver, 15_000);
    await createRoleUsers(services.driver);
    api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: 'workbench-api-secret-0123456789abcdef', loginRateLimit: { limit: 1000, windowMs: 60_000 } });
    token = (await client(api.url)('post', v1('/auth/login'), { body: { username: USERNAME.investigator, password: PASSWORDS.investigator } })).body.accessToken;
  }, 600_000);

  afterAll(async () => {
    await api?.close();
    await services?.close();
  });

  it('gives every ring member with a role the numbers behind it (defect 1)', async () => {
    const top = (await get('/rings?limit=5')).body.items;
    for (const s of top) {
      const r = (await get(`/rings/${s.ringId}`)).body;
      expect(r.rankingFeedback).toEqual([]);
      for (const m of r.members) {
        if (m.role === 'member') expect(m.basis).toBeNull();
        else expect(m.basis?.zh, `${r.ringId} ${m.type}:${m.key} ${m.role}`).toMatch(/\d/);
        expect(m.role).not.toBe('organizer');
      }
      for (const k of r.keyPersons) expect(k.basis?.zh).toMatch(/连接 \d+ 个/);
    }
  });

  it('lists regions by name and filters the queue by a name as by the code (defect 8)', async () => {
    const regions = (await get('/regions')).body.items as { code: string; name: string | null; activeRings: number }[];
    const busy = regions.find((g) => g.activeRings > 0 && g.name)!;
    expect(busy.name).toMatch(/[\u4e00-\u9fff]/);
    const byCode = (await get(`/rings?region=${busy.code}&limit=200`)).body.items.map((r: { ringId: string }) => r.ringId).sort();
    const part = busy.name!.replace(/市$/, '').slice(0, 2);
    const byName = await get(`/rings?region=${encodeURIComponent(part)}&limit=200`);
    expect(byName.status, JSON.stringify(byName.body)).toBe(200);
    expect(byName.body.items.map((r: { ringId: string }) => r.ringId)).toEqual(expect.arrayContaining(byCode));
    expect(byCode.length).toBe(busy.activeRings);
    expect((await get(`/rings?region=${busy.code}&limit=1`)).body.items[0].regionName).toBe(busy.name);
  });

  it('finds names by any part and codes in any letter case, with ring badges (defect 12)', async () => {
    const ring = (await get('/rings?limit=1')).body.items[0];
    const inst = (await get(`/rings/${ring.ringId}`)).body.members.find((m: { type: string }) => m.type === 'institution');
    const lower = await get(`/entities/search?q=${inst.key.toLowerCase()}`);
    expect(lower.body.items[0]).toMatchObject({ key: inst.key, match: 'key' });
    expect(lower.body.items[0].rings.ids).toContain(ring.ringId);
    // a middle part of the institution's name, e.g. "解放社区" of 杭州市解放社区卫生服务中心
    const name = inst.label as string;
    const middle = name.slice(2, Math.min(name.length, 6));
    const found = await get(`/entities/search?q=${encodeURIComponent(middle)}&type=institution&limit=100`);
    const hit = found.body.items.find((h: { key: string }) => h.key === inst.key);
    expect(hit, `${middle} in ${name}`).toBeDefined();
    expect(['name-prefix', 'name-contains']).toContain(hit.match);
  });

  it('builds timelines from all claims, not the latest page (defect 7)', async () => {
    const ring = (await get('/rings?limit=1')).body.items[0];
    const t = (await get(`/rings/${ring.ringId}/timeline`)).body;
    expect(t.claims).toBe(ring.claimCount);
    expect(t.fundPaid).toBeCloseTo(ring.fundPaid, 0);
    // the busiest institution in the data: more claims than one page of 500
    const { records } = await services.driver.executeQuery('MATCH (c:Claim)-[:AT]->(i:Institution) WITH i, count(c) AS n ORDER BY n DESC LIMIT 1 RETURN i.code AS code, n');
    const code = records[0]!.get('code') as string;
    const n = Number(records[0]!.get('n'));
    expect(n).toBeGreaterThan(500);
    const et = (await get(`/entities/institution/${code}/timeline`)).body;
    expect(et.claims).toBe(n);
    const profile = (await get(`/entities/institution/${code}`)).body;
    const months = new Set(et.cells.map((c: { day: string }) => c.day.slice(0, 7)));
    expect([...months].sort()[0]).toBe(profile.stats.first.slice(0, 7));
    expect(et.cells.every((c: { hour: number }) => c.hour >= 0 && c.hour <= 23)).toBe(true);
    expect((await get('/entities/institution/NO-SUCH/timeline')).status).toBe(404);
  });

  it('accepts Chinese verdict labels and serves the pick-list (defect 3)', async () => {
    const list = (await get('/verdict-labels')).body.items;
    expect(list.find((l: { code: string }) => l.code === 'hard-negative:nursing-home').zh).toBe('养老院集体就诊');
    const ring = (await get('/rings?limit=3')).body.items[2];
    const call = client(api.url);
    const c = (await call('post', v1('/cases'), { token, body: { ringId: ring.ringId } })).body;
    expect(c.caseId).toMatch(/^C-\d{8}-/);
    // the default title is words (defect 10): 医药勾结（回扣）团伙 ring-…（杭州市）, not "kickback ring … (330100)"
    expect(c.title).toMatch(/^[^a-z]+团伙 \S+（[\u4e00-\u9fff]+）$/);
    await call('post', v1(`/cases/${c.caseId}/transitions`), { token, body: { to: 'investigating' } });
    const r = await call('post', v1(`/cases/${c.caseId}/transitions`), { token, body: { to: 'dismissed', labels: ['hard-negative:nursing-home', '养老院集体就诊'] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const detail = (await get(`/cases/${c.caseId}`)).body;
    expect(detail.history.at(-1).labels).toEqual(['hard-negative:nursing-home', '养老院集体就诊']);
  });

  it('names people by display name beside the username: case lists, case history, the ring queue, saved views', async () => {
    const call = client(api.url);
    const sup = (await call('post', v1('/auth/login'), { body: { username: USERNAME.supervisor, password: PASSWORDS.supervisor } })).body.accessToken as string;
    const ring = (await get('/rings?limit=5')).body.items[4];
    const created = await call('post', v1('/cases'), { token: sup, body: { ringId: ring.ringId, assignee: USERNAME.investigator } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const caseId = created.body.caseId as string;
    // createRoleUsers names each account "<role> user"
    expect(created.body).toMatchObject({ assignee: USERNAME.investigator, assigneeName: 'investigator user', createdBy: USERNAME.supervisor, createdByName: 'supervisor user' });
    const listed = (await get(`/cases?ringId=${encodeURIComponent(ring.ringId)}`)).body.items[0];
    expect(listed).toMatchObject({ caseId, assigneeName: 'investigator user', createdByName: 'supervisor user' });
    const first = (await get(`/cases/${caseId}`)).body.history[0];
    expect(first).toMatchObject({ actor: USERNAME.supervisor, actorName: 'supervisor user', assignee: USERNAME.investigator, assigneeName: 'investigator user' });
    // the ring queue's case column says who holds the case (the ring cache is dropped by the case write)
    const queued = (await get('/rings?limit=5')).body.items.find((r: { ringId: string }) => r.ringId === ring.ringId);
    expect(queued.openCase).toMatchObject({ caseId, assignee: USERNAME.investigator, assigneeName: 'investigator user' });
    // unassigned: no name either
    const unassigned = (await call('post', v1(`/cases/${caseId}/assign`), { token: sup, body: { assignee: null } })).body;
    expect(unassigned).toMatchObject({ assignee: null, assigneeName: null });
    const graph = (await get(`/rings/${encodeURIComponent(ring.ringId)}/graph`)).body;
    const view = await call('post', v1(`/cases/${caseId}/views`), { token, body: { name: '全貌', nodeIds: [graph.nodes[0].id] } });
    expect(view.status, JSON.stringify(view.body)).toBe(201);
    expect(view.body).toMatchObject({ createdBy: USERNAME.investigator, createdByName: 'investigator user' });
    expect((await get(`/cases/${caseId}/views`)).body.items[0].createdByName).toBe('investigator user');
  });
});
