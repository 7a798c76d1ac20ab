import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { maskIdNumber } from '../../access/masking.ts';
import { ROLES, type Role } from '../../access/roles.ts';
import { API_PREFIX } from '../../api/openapi.ts';
import { createApp } from '../../api/app.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import type { AnyRoute } from '../../api/route.ts';
import type { DetectionSummary } from '../../detection/run-detection.ts';
import { startWorkers, type WorkerPool } from '../../jobs/workers.ts';
import { loadEnv } from '../../config/env.ts';
import { verifyPackage } from '../../exports/package/verify.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { client, countNodes, createRoleUsers, loadDetectedDataset, PASSWORDS, USERNAME, type Reply } from './api-client.ts';

const JWT_SECRET = 'integration-test-secret-0123456789abcdef';
const UPLOAD_LIMIT = 256 * 1024;

describe('the investigation API against the real Neo4j and Redis', () => {
  const stack = inject('stack');
  let services: Services;
  let api: ApiServer;
  let routes: AnyRoute[];
  let call: ReturnType<typeof client>;
  let detection: DetectionSummary;
  let dataDir: string;
  const token = {} as Record<Role, string>;
  const v1 = (p: string) => `${API_PREFIX}${p}`;
  let uploadDir: string;

  beforeAll(async () => {
    services = openServices(stack, `${inject('queuePrefix')}-api`);
    const loaded = await loadDetectedDataset(services.driver);
    detection = loaded.detection;
    dataDir = loaded.data;
    uploadDir = path.join(loaded.dir, 'uploads');
    await createRoleUsers(services.driver);
    api = await startApiServer(services, '127.0.0.1', 0, {
      jwtSecret: JWT_SECRET,
      uploadDir,
      uploadMaxBytes: UPLOAD_LIMIT,
      loginRateLimit: { limit: 10_000, windowMs: 60_000 },
      corsOrigins: ['http://workbench.example'],
    });
    routes = createApp(services, { jwtSecret: JWT_SECRET }).routes;
    call = client(api.url);
    await loginAll();
  }, 600_000);

  const loginAll = async () => {
    for (const role of ROLES) {
      const r = await call('post', v1('/auth/login'), { body: { username: USERNAME[role], password: PASSWORDS[role] } });
      expect(r.status).toBe(200);
      token[role] = r.body.accessToken;
    }
  };

  afterAll(async () => {
    await api?.close();
    await services?.close();
  });

  const ringOf = (family: string) => detection.rings.find((r) => r.family === family)!;
  const audits = async (q: Record<string, string>) => {
    const r = await call('get', `${v1('/audit')}?${new URLSearchParams(q)}`, { token: token.admin });
    expect(r.status).toBe(200);
    return r.body.items as { action: string; actor: string; target: string; subjects: string[]; outcome: string; ip: string; details: Record<string, unknown> }[];
  };
  const expectProblem = (r: Reply, status: number) => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.contentType).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^urn:ringlens:problem:/), title: expect.any(String), detail: expect.any(String) });
  };

  describe('authentication', () => {
    it('logs in, tells who the token belongs to, refreshes, and logs out for good', async () => {
      const login = await call('post', v1('/auth/login'), { body: { username: 'inv', password: PASSWORDS.investigator } });
      expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { username: 'inv', role: 'investigator' } });
      const me = await call('get', v1('/auth/me'), { token: login.body.accessToken });
      expect(me.body).toEqual({ username: 'inv', role: 'investigator', masking: 'full' });
      const refreshed = await call('post', v1('/auth/refresh'), { body: { refreshToken: login.body.refreshToken } });
      expect(refreshed.status).toBe(200);
      expect((await call('get', v1('/auth/me'), { token: refreshed.body.accessToken })).status).toBe(200);
      // An access token is no refresh token.
      expectProblem(await call('post', v1('/auth/refresh'), { body: { refreshToken: login.body.accessToken } }), 401);
      expect((await call('post', v1('/auth/logout'), { token: refreshed.body.accessToken })).status).toBe(200);
      expectProblem(await call('post', v1('/auth/refresh'), { body: { refreshToken: refreshed.body.refreshToken } }), 401);
      // Logout ends every session of the user at once, the access tokens of the other logins too.
      expectProblem(await call('get', v1('/auth/me'), { token: token.investigator }), 401);
      await loginAll();
    });

    it('answers 401 for a wrong password, an unknown user, no token and a bad token, and audits logins', async () => {
      const wrong = await call('post', v1('/auth/login'), { body: { username: 'inv', password: 'not the password' } });
      expectProblem(wrong, 401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectProblem(await call('post', v1('/auth/login'), { body: { username: 'ghost', password: 'whatever-it-is' } }), 401);
      expectProblem(await call('get', v1('/rings')), 401);
      expectProblem(await call('get', v1('/rings'), { token: 'abc.def.ghi' }), 401);
      expectProblem(await call('get', v1('/rings'), { headers: { authorization: `Basic ${Buffer.from('inv:x').toString('base64')}` } }), 401);
      const failed = await audits({ action: 'login-failed', actor: 'ghost' });
      expect(failed[0]).toMatchObject({ outcome: 'failure', details: { reason: 'unknown user' }, ip: expect.stringMatching(/127\.0\.0\.1/) });
      expect((await audits({ action: 'login', actor: 'sup' })).length).toBeGreaterThan(0);
    });

    it('ends the sessions of a user whose role an admin changes, and refuses disabled users', async () => {
      const created = await call('post', v1('/users'), { token: token.admin, body: { username: 'temp.user', displayName: '临时', role: 'investigator', password: 'temporary-password' } });
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty('passwordHash');
      expectProblem(await call('post', v1('/users'), { token: token.admin, body: { username: 'temp.user', displayName: 'x', role: 'investigator', password: 'temporary-password' } }), 409);
      const login = await call('post', v1('/auth/login'), { body: { username: 'temp.user', password: 'temporary-password' } });
      expect((await call('patch', v1('/users/temp.user'), { token: token.admin, body: { role: 'supervisor' } })).body.role).toBe('supervisor');
      expectProblem(await call('post', v1('/auth/refresh'), { body: { refreshToken: login.body.refreshToken } }), 401);
      await call('patch', v1('/users/temp.user'), { token: token.admin, body: { disabled: true } });
      expectProblem(await call('post', v1('/auth/login'), { body: { username: 'temp.user', password: 'temporary-password' } }), 401);
      // The last active admin cannot be demoted.
      expectProblem(await call('patch', v1('/users/admin'), { token: token.admin, body: { role: 'investigator' } }), 409);
      const weak = await call('post', v1('/users'), { token: token.admin, body: { username: 'weak', displayName: 'w', role: 'investigator', password: 'short' } });
      expectProblem(weak, 400);
      expect(weak.body.errors).toEqual([expect.objectContaining({ path: 'body.password', message: expect.stringMatching(/at least 12/) })]);
    });
  });

  describe('role matrix: every route × every role is allowed or 403, straight from the route registry', () => {
    const sample: Record<string, () => string> = {
      ringId: () => detection.rings[0]!.ringId,
      caseId: () => 'C-00000000-NOCASE',
      type: () => 'institution',
      key: () => 'NO-SUCH-KEY',
      queue: () => 'detect',
      jobId: () => 'no-such-job',
      username: () => 'nobody',
      exportId: () => '00000000-0000-4000-8000-000000000000',
      scheduleId: () => 'no-such-schedule',
      reportId: () => 'no-such-schedule--2026-01-01',
      format: () => 'pdf',
      code: () => 'NO-SUCH-KEY',
    };

    it('covers every route', async () => {
      const rows: string[] = [];
      // Logout last: it ends each role's session at once (the tokens are renewed after).
      for (const r of [...routes.filter((x) => x.operationId !== 'logout'), ...routes.filter((x) => x.operationId === 'logout')]) {
        const url = v1(r.path.replace(/:([A-Za-z]+)/g, (_m, p: string) => encodeURIComponent(sample[p]!())));
        if (r.roles === 'public') {
          const res = await call(r.method, url, { body: {} });
          expect([400, 401], `${r.operationId} public`).toContain(res.status);
          continue;
        }
        expectProblem(await call(r.method, url, { body: r.method === 'get' ? undefined : {} }), 401);
        for (const role of ROLES) {
          // Bodies are empty on purpose: an allowed role gets past the role check and fails validation (400),
          // finds nothing (404) or succeeds; a denied role gets 403 before anything is read.
          const res = await call(r.method, url, { token: token[role], body: r.method === 'get' ? undefined : {} });
          const allowed = r.roles.includes(role);
          rows.push(`${r.operationId} ${role} ${res.status}`);
          if (allowed) expect([200, 201, 202, 400, 404, 415], `${r.operationId} as ${role}: ${JSON.stringify(res.body)}`).toContain(res.status);
          else expectProblem(res, 403);
        }
      }
      expect(rows.length).toBe(routes.filter((r) => r.roles !== 'public').length * ROLES.length);
      await loginAll();
    });
  });

  describe('rings', () => {
    it('lists every detected ring, sorted and paged by cursor without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let previous = Infinity;
      do {
        const r: Reply = await call('get', `${v1('/rings')}?limit=3&sort=-fundPaid${cursor ? `&cursor=${cursor}` : ''}`, { token: token.investigator });
        expect(r.status).toBe(200);
        for (const ring of r.body.items) {
          expect(ring.fundPaid).toBeLessThanOrEqual(previous);
          previous = ring.fundPaid;
          seen.push(ring.ringId);
        }
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(detection.rings.map((r) => r.ringId).sort());
    });

    it('serves ring reads from a per-process cache that a case change in another API process clears at once', async () => {
      // A second API process on the same databases, with a TTL long enough that only the announcement can clear it.
      const other = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: JWT_SECRET, ringCacheTtlMs: 600_000, loginRateLimit: { limit: 10_000, windowMs: 60_000 } });
      try {
        const otherCall = client(other.url);
        const ring = ringOf('over-treatment');
        const summary = async () => {
          const r = await otherCall('get', `${v1('/rings')}?limit=200`, { token: token.supervisor });
          expect(r.status).toBe(200);
          return r.body.items.find((x: { ringId: string }) => x.ringId === ring.ringId) as { openCase: { caseId: string; status: string } | null };
        };
        const before = await summary();
        const detailBefore = await otherCall('get', v1(`/rings/${ring.ringId}`), { token: token.supervisor });
        expect(before.openCase).toBeNull();
        const c = await call('post', v1('/cases'), { token: token.investigator, body: { ringId: ring.ringId, title: 'cache invalidation' } });
        expect(c.status).toBe(201);
        let after = await summary();
        for (let i = 0; i < 20 && !after.openCase; i++) {
          await new Promise((r) => setTimeout(r, 50));
          after = await summary();
        }
        expect(after.openCase).toMatchObject({ caseId: c.body.caseId, status: 'new' });
        const detailAfter = await otherCall('get', v1(`/rings/${ring.ringId}`), { token: token.supervisor });
        expect(detailAfter.body.cases.length).toBe(detailBefore.body.cases.length + 1);
        // A cached detail is still a read of personal data: audited on every request.
        const reads = (await audits({ action: 'personal-data-read', actor: 'sup' })).filter((e) => e.target === `ring:${ring.ringId}`);
        expect(reads.length).toBeGreaterThanOrEqual(2);
      } finally {
        await other.close();
      }
    });

    it('filters by type, score, region, institution, period, amount, status and run', async () => {
      const kick = ringOf('kickback');
      const list = async (q: string) => ((await call('get', `${v1('/rings')}?${q}`, { token: token.supervisor })).body.items as { ringId: string }[]).map((r) => r.ringId);
      expect(await list('type=kickback')).toContain(kick.ringId);
      expect(await list('type=kickback')).not.toContain(ringOf('card-farming').ringId);
      expect(await list(`minScore=${kick.score}&maxScore=${kick.score}`)).toContain(kick.ringId);
      expect(await list(`region=${kick.region}`)).toContain(kick.ringId);
      expect(await list(`institution=${kick.institutions[0]}`)).toContain(kick.ringId);
      expect(await list(`from=${kick.period!.start}&until=${kick.period!.end}`)).toContain(kick.ringId);
      expect(await list('until=1999-12-31')).toEqual([]);
      expect(await list(`minAmount=${kick.fundPaid - 0.01}&maxAmount=${kick.fundPaid + 0.01}`)).toContain(kick.ringId);
      expect((await list('status=active')).length).toBe(detection.rings.length);
      expect(await list('status=dissolved')).toEqual([]);
      expect((await list(`run=${detection.runId}`)).length).toBe(detection.rings.length);
      expect(await list('run=no-such-run')).toEqual([]);
    });

    it('rejects bad filters with field-level messages', async () => {
      const r = await call('get', `${v1('/rings')}?limit=0&minScore=abc&type=nonsense&sort=-nothing&from=2024-13-01`, { token: token.investigator });
      expectProblem(r, 400);
      expect((r.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['query.from', 'query.limit', 'query.minScore', 'query.sort', 'query.type.0']);
      expectProblem(await call('get', `${v1('/rings')}?cursor=bm90LWEtY3Vyc29y`, { token: token.investigator }), 400);
      expectProblem(await call('get', `${v1('/rings')}?minScore=90&maxScore=10`, { token: token.investigator }), 400);
      // a misspelt filter is refused, not dropped (it answered with every family)
      const unknown = await call('get', `${v1('/rings')}?family=kickback&limit=5`, { token: token.investigator });
      expectProblem(unknown, 400);
      expect(unknown.body.errors).toEqual([{ path: 'query.family', message: 'unknown parameter', code: 'unrecognized_keys' }]);
    });

    it('shows a ring with members, evidence, history and amounts; masks per role; audits the read', async () => {
      const ring = ringOf('card-lending');
      const full = await call('get', v1(`/rings/${ring.ringId}`), { token: token.investigator });
      expect(full.status).toBe(200);
      expect(full.body).toMatchObject({ ringId: ring.ringId, family: 'card-lending', memberCount: ring.members.length, claimCount: ring.claimCount, fundPaid: ring.fundPaid });
      expect(full.body.history).toEqual([expect.objectContaining({ runId: detection.runId, change: 'new' })]);
      expect(full.body.evidence.length).toBe(ring.evidence.length);
      const persons = (full.body.members as { type: string; key: string; label: string }[]).filter((m) => m.type === 'person');
      expect(persons.length).toBeGreaterThan(0);
      expect(persons.map((p) => p.key).sort()).toEqual(ring.members.filter((m) => m.type === 'person').map((m) => m.id).sort());
      for (const p of persons) expect(p.key).toMatch(/^\d{17}[\dX]$/);

      for (const role of ['supervisor', 'admin'] as const) {
        const masked = await call('get', v1(`/rings/${ring.ringId}`), { token: token[role] });
        const body = JSON.stringify(masked.body);
        for (const p of persons) {
          expect(body).not.toContain(p.key);
          if (p.label.length > 1) expect(body).not.toContain(`"${p.label}"`);
        }
        for (const m of masked.body.members as { type: string; key: string }[]) if (m.type === 'person') expect(m.key).toMatch(/^\d{6}\*{8}[\dX*]{4}$/);
        for (const m of masked.body.members as { type: string; key: string }[]) if (m.type === 'card') expect(m.key).toMatch(/^\*+.{4}$/);
      }
      // The liaison sees no ring that was not referred to them.
      expectProblem(await call('get', v1(`/rings/${ring.ringId}`), { token: token.liaison }), 404);

      const events = await audits({ action: 'personal-data-read', actor: 'inv', target: `ring:${ring.ringId}` });
      // The admin reading the trail sees the subjects masked, as everywhere else.
      expect(events[0]!.subjects.sort()).toEqual(persons.map((p) => maskIdNumber(p.key)).sort());
      expectProblem(await call('get', v1('/rings/no-such-ring'), { token: token.investigator }), 404);
    });

    it("draws the ring's subgraph with members, weighted edges and a node cap", async () => {
      const ring = ringOf('card-farming');
      const g = await call('get', v1(`/rings/${ring.ringId}/graph`), { token: token.investigator });
      expect(g.status).toBe(200);
      const ids = new Set((g.body.nodes as { id: string }[]).map((n) => n.id));
      expect((g.body.nodes as { member: boolean }[]).filter((n) => n.member).length).toBe(ring.members.length);
      expect(g.body.edges.length).toBeGreaterThan(0);
      for (const e of g.body.edges as { source: string; target: string; weight: number }[]) {
        expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
        expect(e.weight).toBeGreaterThan(0);
      }
      expect(g.body.claimsUsed).toBe(ring.claimCount);
      expect(g.body.truncated).toBe(false);
      const capped = await call('get', v1(`/rings/${ring.ringId}/graph?maxNodes=3`), { token: token.investigator });
      expect(capped.body.nodes.length).toBe(3);
      expect(capped.body.truncated).toBe(true);
      expectProblem(await call('get', v1(`/rings/${ring.ringId}/graph?maxNodes=5000`), { token: token.investigator }), 400);
    });

    it("pages through a ring's evidence claims, newest first, with filters", async () => {
      const ring = ringOf('recruited-patients');
      const all: { claimId: string; settledAt: string; kind: string }[] = [];
      let cursor: string | null = null;
      do {
        const r: Reply = await call('get', `${v1(`/rings/${ring.ringId}/claims`)}?limit=40${cursor ? `&cursor=${cursor}` : ''}`, { token: token.investigator });
        expect(r.status).toBe(200);
        all.push(...r.body.items);
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(all.map((c) => c.claimId).sort()).toEqual([...ring.claimIds].sort());
      for (let i = 1; i < all.length; i++) expect(Date.parse(all[i - 1]!.settledAt)).toBeGreaterThanOrEqual(Date.parse(all[i]!.settledAt));
      const kind = all[0]!.kind;
      const filtered = await call('get', `${v1(`/rings/${ring.ringId}/claims`)}?kind=${kind}&limit=500`, { token: token.investigator });
      expect(filtered.body.items.length).toBe(all.filter((c) => c.kind === kind).length);
    });
  });

  describe('entities', () => {
    it('finds people by ID number, name prefix (Chinese) and ID prefix; cards, doctors and institutions by code', async () => {
      const ring = ringOf('kickback');
      const person = ring.members.find((m) => m.type === 'person')!;
      const doctor = ring.members.find((m) => m.type === 'doctor')!;
      const inst = ring.members.find((m) => m.type === 'institution')!;
      const search = async (q: string, role: Role = 'investigator', extra = '') =>
        (await call('get', `${v1('/entities/search')}?q=${encodeURIComponent(q)}${extra}`, { token: token[role] })).body.items as { type: string; key: string; label: string; match: string }[];
      expect((await search(person.id))[0]).toMatchObject({ type: 'person', key: person.id, match: 'key' });
      expect((await search(doctor.id))[0]).toMatchObject({ type: 'doctor', key: doctor.id, match: 'key' });
      expect((await search(inst.id))[0]).toMatchObject({ type: 'institution', key: inst.id, match: 'key' });
      const byName = await search(person.name!.slice(0, 1), 'investigator', '&type=person&limit=100');
      expect(byName.length).toBeGreaterThan(0);
      expect(byName.every((h) => h.type === 'person' && h.label.startsWith(person.name!.slice(0, 1)) && h.match === 'name-prefix')).toBe(true);
      expect((await search(person.id.slice(0, 10), 'investigator', '&type=person')).some((h) => h.key === person.id)).toBe(true);
      const cardNo = readFileSync(path.join(dataDir, 'cards.csv'), 'utf8').split('\n')[1]!.split(',')[0]!;
      expect((await search(cardNo))[0]).toMatchObject({ type: 'card', key: cardNo });
      // Masked for a supervisor, and the search itself is audited with the query.
      const masked = await search(person.id, 'supervisor');
      expect(masked[0]!.key).toBe(`${person.id.slice(0, 6)}********${person.id.slice(-4)}`);
      expect((await audits({ action: 'personal-data-read', actor: 'sup', target: 'search' }))[0]!.details).toMatchObject({ q: maskIdNumber(person.id) });
      expectProblem(await call('get', `${v1('/entities/search')}?q=`, { token: token.investigator }), 400);
    });

    it('profiles each kind of entity with claim statistics and rings; masks a person for a supervisor', async () => {
      const ring = ringOf('card-lending');
      const holder = ring.members.find((m) => m.type === 'person')!;
      const p = await call('get', v1(`/entities/person/${holder.id}`), { token: token.investigator });
      expect(p.status).toBe(200);
      expect(p.body.entity).toMatchObject({ type: 'person', key: holder.id });
      expect(p.body.facts.idNumber).toBe(holder.id);
      expect(p.body.stats.claims).toBeGreaterThan(0);
      expect(p.body.rings.map((r: { ringId: string }) => r.ringId)).toContain(ring.ringId);
      const claims = await call('get', `${v1(`/entities/person/${holder.id}/claims`)}?limit=500`, { token: token.investigator });
      expect(claims.body.items.length).toBe(p.body.stats.claims);

      const s = await call('get', v1(`/entities/person/${holder.id}`), { token: token.supervisor });
      expect(s.body.facts.idNumber).toBe(`${holder.id.slice(0, 6)}********${holder.id.slice(-4)}`);
      expect(String(s.body.facts.birthDate)).toMatch(/^\d{4}-\*\*-\*\*$/);
      expect(JSON.stringify(s.body)).not.toContain(holder.id);

      for (const m of ['card', 'doctor', 'institution'] as const) {
        const member = detection.rings.flatMap((r) => r.members).find((x) => x.type === m)!;
        const r = await call('get', v1(`/entities/${m}/${member.id}`), { token: token.investigator });
        expect(r.status, m).toBe(200);
        expect(r.body.entity.type).toBe(m);
        expect(r.body.rings.length).toBeGreaterThan(0);
      }
      const inst = ringOf('card-farming').institutions[0]!;
      const ic = await call('get', `${v1(`/entities/institution/${inst}/claims`)}?kind=pharmacy&limit=5`, { token: token.investigator });
      expect(ic.body.items.length).toBe(5);
      expect(ic.body.items.every((c: { institution: { code: string }; kind: string }) => c.institution.code === inst && c.kind === 'pharmacy')).toBe(true);
      expectProblem(await call('get', v1('/entities/person/000000000000000000'), { token: token.investigator }), 404);
      expectProblem(await call('get', v1('/entities/planet/earth'), { token: token.investigator }), 400);
      const reads = await audits({ action: 'personal-data-read', actor: 'inv', target: `person:${holder.id}` });
      expect(reads.find((e) => e.details.view === undefined)!.subjects).toEqual([maskIdNumber(holder.id)]);
      expect(reads.find((e) => e.details.view === 'claims')!.subjects).toContain(maskIdNumber(holder.id));
    });
  });

  describe('exploration', () => {
    it('expands a node by one and two hops, filters types, caps nodes with a truncated flag', async () => {
      const ring = ringOf('card-lending');
      const holder = ring.members.find((m) => m.type === 'person')!;
      const p = await call('get', v1(`/entities/person/${holder.id}`), { token: token.investigator });
      const id = p.body.entity.id as string;
      const one = await call('get', `${v1('/graph/expand')}?node=${id}`, { token: token.investigator });
      expect(one.status).toBe(200);
      expect(one.body.origin).toMatchObject({ id, type: 'person', key: holder.id });
      const types1 = new Set((one.body.nodes as { type: string }[]).map((n) => n.type));
      expect(types1.has('card')).toBe(true);
      const two = await call('get', `${v1('/graph/expand')}?node=${id}&hops=2&types=card,claim`, { token: token.investigator });
      expect(new Set((two.body.nodes as { type: string }[]).map((n) => n.type))).toEqual(new Set(['card', 'claim']));
      // Nodes travel from Neo4j as rows and are named back into the facts every other node view has.
      expect(Object.keys(one.body.origin.facts)).toEqual(['gender', 'region']);
      for (const n of two.body.nodes as { type: string; facts: Record<string, unknown> }[]) {
        if (n.type === 'card') expect(Object.keys(n.facts)).toEqual(['type']);
        else expect(n.facts).toMatchObject({ kind: expect.any(String), settledAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}/), total: expect.any(Number), fundPaid: expect.any(Number) });
      }
      expect(two.body.nodes.length).toBeGreaterThan(one.body.nodes.filter((n: { type: string }) => n.type === 'card').length);
      const nodeIds = new Set([id, ...(two.body.nodes as { id: string }[]).map((n) => n.id)]);
      for (const e of two.body.edges as { source: string; target: string }[]) expect(nodeIds.has(e.source) && nodeIds.has(e.target)).toBe(true);
      const capped = await call('get', `${v1('/graph/expand')}?node=${id}&hops=2&limit=3`, { token: token.investigator });
      expect(capped.body.nodes.length).toBe(3);
      expect(capped.body.truncated).toBe(true);
      expect(two.body.truncated).toBe(false);
      expectProblem(await call('get', `${v1('/graph/expand')}?node=4:00000000-0000-0000-0000-000000000000:1`, { token: token.investigator }), 404);
    });

    it('finds the shortest connection between a card and its holder through the claims graph', async () => {
      const ring = ringOf('card-lending');
      const cardKey = ring.members.find((m) => m.type === 'card')!.id;
      const card = await call('get', v1(`/entities/card/${cardKey}`), { token: token.investigator });
      const holderKey = card.body.holder.idNumber as string;
      const holder = await call('get', v1(`/entities/person/${holderKey}`), { token: token.investigator });
      const r = await call('get', `${v1('/graph/path')}?from=${holder.body.entity.id}&to=${card.body.entity.id}`, { token: token.investigator });
      expect(r.body).toMatchObject({ found: true, length: 1 });
      expect(r.body.edges[0].type).toBe('HOLDS');
      const inst = await call('get', v1(`/entities/institution/${ring.institutions[0]}`), { token: token.investigator });
      const far = await call('get', `${v1('/graph/path')}?from=${holder.body.entity.id}&to=${inst.body.entity.id}&maxHops=4`, { token: token.investigator });
      expect(far.body.found).toBe(true);
      expect(far.body.nodes[0].key).toBe(holderKey);
      expect(far.body.nodes.at(-1).key).toBe(ring.institutions[0]);
      expectProblem(await call('get', `${v1('/graph/path')}?from=${holder.body.entity.id}&to=${holder.body.entity.id}`, { token: token.investigator }), 400);
    });
  });

  describe('cases', () => {
    it('runs the workflow, rejects invalid moves with 409 and wrong roles with 403, records verdicts and history, audits every change', async () => {
      const ring = ringOf('split-hospitalization');
      const post = (url: string, role: Role, body: unknown) => call('post', v1(url), { token: token[role], body });
      const created = await post('/cases', 'investigator', { ringId: ring.ringId, note: '初查：同一诊断反复入院' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'new', createdBy: 'inv', ring: { ringId: ring.ringId }, allowedTransitions: ['investigating'] });
      const id = created.body.caseId as string;
      const dup = await post('/cases', 'supervisor', { ringId: ring.ringId });
      expectProblem(dup, 409);
      expect(dup.body.detail).toContain(id);
      expectProblem(await post('/cases', 'investigator', { ringId: 'no-such-ring' }), 404);

      const skip = await post(`/cases/${id}/transitions`, 'investigator', { to: 'confirmed' });
      expectProblem(skip, 409);
      expect(skip.body.allowed).toEqual(['investigating']);
      expectProblem(await post(`/cases/${id}/transitions`, 'investigator', { to: 'reopened' }), 400);
      expect((await post(`/cases/${id}/assign`, 'supervisor', { assignee: 'inv' })).body.assignee).toBe('inv');
      expectProblem(await post(`/cases/${id}/assign`, 'supervisor', { assignee: 'liaison' }), 422);
      expect((await post(`/cases/${id}/transitions`, 'investigator', { to: 'investigating' })).body.status).toBe('investigating');
      expect((await post(`/cases/${id}/notes`, 'investigator', { note: '调取病历 3 份' })).status).toBe(201);
      const confirmed = await post(`/cases/${id}/transitions`, 'investigator', { to: 'confirmed', labels: ['family:split-hospitalization'] });
      expect(confirmed.body).toMatchObject({ status: 'confirmed', verdict: 'fraud', verdictLabels: ['family:split-hospitalization'] });
      expectProblem(await post(`/cases/${id}/transitions`, 'investigator', { to: 'referred' }), 403);
      // Before referral the liaison does not see the case.
      expectProblem(await call('get', v1(`/cases/${id}`), { token: token.liaison }), 404);
      expect((await post(`/cases/${id}/transitions`, 'supervisor', { to: 'referred' })).body.status).toBe('referred');

      // Now the liaison sees the case and its ring, unmasked, and closes it.
      expect((await call('get', v1(`/cases/${id}`), { token: token.liaison })).status).toBe(200);
      const liaisonRing = await call('get', v1(`/rings/${ring.ringId}`), { token: token.liaison });
      expect(liaisonRing.status).toBe(200);
      const person = ring.members.find((m) => m.type === 'person')!;
      expect(JSON.stringify(liaisonRing.body)).toContain(person.id);
      expect((await call('get', `${v1('/rings')}?limit=200`, { token: token.liaison })).body.items.map((r: { ringId: string }) => r.ringId)).toEqual([ring.ringId]);
      expect((await call('get', v1('/cases'), { token: token.liaison })).body.items.map((c: { caseId: string }) => c.caseId)).toEqual([id]);
      expect((await post(`/cases/${id}/transitions`, 'liaison', { to: 'closed', note: '已移送公安' })).body.status).toBe('closed');
      expectProblem(await post(`/cases/${id}/transitions`, 'supervisor', { to: 'investigating' }), 409);

      const detail = await call('get', v1(`/cases/${id}`), { token: token.supervisor });
      expect(detail.body.history.map((e: { kind: string; to: string | null }) => `${e.kind}:${e.to ?? ''}`)).toEqual([
        'created:new',
        'assigned:inv',
        'transition:investigating',
        'note:',
        'transition:confirmed',
        'transition:referred',
        'transition:closed',
      ]);
      expect(detail.body.history[0]).toMatchObject({ actor: 'inv', note: '初查：同一诊断反复入院' });
      const ringAfter = await call('get', v1(`/rings/${ring.ringId}`), { token: token.investigator });
      expect(ringAfter.body.verdict).toBe('fraud');
      expect(ringAfter.body.cases).toEqual([expect.objectContaining({ caseId: id, status: 'closed' })]);

      const changes = await audits({ target: `case:${id}` });
      expect(changes.map((e) => `${e.action}:${e.outcome}`).sort()).toEqual(
        [
          'case-create:success',
          'case-assign:success',
          'case-transition:failure',
          'case-transition:success',
          'case-note:success',
          'case-transition:success',
          'case-transition:failure',
          'case-transition:success',
          'personal-data-read:success',
          'case-transition:success',
          'case-transition:failure',
          'personal-data-read:success',
        ].sort(),
      );
      const listed = await call('get', `${v1('/cases')}?status=closed`, { token: token.investigator });
      expect(listed.body.items.map((c: { caseId: string }) => c.caseId)).toContain(id);
    });
  });

  describe('runs, jobs and uploads', () => {
    it('lists runs, triggers one as a job and reports its state', async () => {
      const runs = await call('get', v1('/runs'), { token: token.investigator });
      expect(runs.body.items[0]).toMatchObject({ runId: detection.runId, ringCount: detection.rings.length, newRings: detection.rings.length });
      const bad = await call('post', v1('/runs'), { token: token.supervisor, body: { since: '2024-06-01', until: '2024-01-01' } });
      expectProblem(bad, 400);
      const t = await call('post', v1('/runs'), { token: token.supervisor, body: { region: '330100', since: '2024-01-01' } });
      expect(t.status).toBe(202);
      const job = await call('get', t.body.statusUrl, { token: token.investigator });
      expect(job.body).toMatchObject({ queue: 'detect', state: 'waiting', requestedBy: 'sup' });
      const queued = await services.queues.detect.getJob(t.body.jobId);
      expect(queued!.data).toEqual({ scope: { region: '330100', since: '2024-01-01' }, requestedBy: 'sup' });
      // The detect job itself is tested in detect.test.ts; the upload test below starts workers, which
      // would otherwise run this queued detection over the shared test database.
      await queued!.remove();
      expect((await audits({ action: 'run-trigger', actor: 'sup' }))[0]!.details).toMatchObject({ region: '330100' });
      expectProblem(await call('get', v1('/jobs/detect/999999'), { token: token.investigator }), 404);
    });

    it('streams an upload to disk and ingests it as a job; refuses oversized and non-multipart uploads', async () => {
      const pool: WorkerPool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, concurrency: 1 });
      try {
        const before = await countNodes(services.driver);
        const form = new FormData();
        form.append('files', new Blob([readFileSync(path.join(dataDir, 'regions.csv'))]), 'regions.csv');
        const up = await call('post', v1('/ingest/uploads'), { token: token.admin, rawBody: form });
        expect(up.status, JSON.stringify(up.body)).toBe(202);
        expect(up.body.files).toEqual([{ name: 'regions.csv', bytes: readFileSync(path.join(dataDir, 'regions.csv')).length }]);
        let job: Reply;
        const deadline = Date.now() + 30_000;
        do {
          await new Promise((r) => setTimeout(r, 200));
          job = await call('get', up.body.statusUrl, { token: token.admin });
        } while (!['completed', 'failed'].includes(job.body.state) && Date.now() < deadline);
        expect(job.body.state, JSON.stringify(job.body)).toBe('completed');
        expect(job.body.result).toMatchObject({ rejected: 0 });
        expect(job.body.result.accepted).toBeGreaterThan(0);
        // Re-ingesting what is already there changes nothing.
        expect(await countNodes(services.driver)).toEqual(before);
      } finally {
        await pool.close();
      }
      const big = new FormData();
      big.append('files', new Blob([Buffer.alloc(UPLOAD_LIMIT + 10, 'a')]), 'claims.csv');
      expectProblem(await call('post', v1('/ingest/uploads'), { token: token.admin, rawBody: big }), 413);
      expectProblem(await call('post', v1('/ingest/uploads'), { token: token.admin, body: { files: [] } }), 415);
      const badName = new FormData();
      badName.append('files', new Blob(['x']), '.hidden');
      expectProblem(await call('post', v1('/ingest/uploads'), { token: token.admin, rawBody: badName }), 400);
      // Failed uploads leave nothing behind (not even an empty upload folder): only the good one's remains.
      expect(readdirSync(uploadDir)).toHaveLength(1);
    });
  });

  describe('case exports', () => {
    it('queues an export for a case, follows it, downloads a package that verifies; only the exporter sees it; audits request, build and download', async () => {
      const exportDir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-api-exports-'));
      const env = loadEnv({ ...process.env, RINGLENS_EXPORT_DIR: path.join(exportDir, 'packages'), RINGLENS_EXPORT_KEY_DIR: path.join(exportDir, 'keys') });
      const ring = ringOf('card-lending');
      const c = await call('post', v1('/cases'), { token: token.investigator, body: { ringId: ring.ringId, title: 'export over HTTP' } });
      expect(c.status).toBe(201);
      const caseId = c.body.caseId as string;
      expectProblem(await call('post', v1(`/cases/${caseId}/exports`), { token: token.investigator, body: { lang: 'fr' } }), 400);
      expectProblem(await call('post', v1('/cases/C-00000000-NOCASE/exports'), { token: token.investigator, body: {} }), 404);
      // A liaison does not see a case before it is referred, so cannot export it either.
      expectProblem(await call('post', v1(`/cases/${caseId}/exports`), { token: token.liaison, body: {} }), 404);
      expectProblem(await call('post', v1(`/cases/${caseId}/exports`), { token: token.admin, body: {} }), 403);

      const queued = await call('post', v1(`/cases/${caseId}/exports`), { token: token.investigator, body: { lang: 'zh' } });
      expect(queued.status, JSON.stringify(queued.body)).toBe(202);
      const { exportId, statusUrl, downloadUrl } = queued.body as { exportId: string; statusUrl: string; downloadUrl: string };
      expect(statusUrl).toBe(v1(`/exports/${exportId}`));
      // Not built yet: nothing to download.
      expectProblem(await call('get', downloadUrl, { token: token.investigator }), 409);
      // Someone else's export does not exist for them.
      expectProblem(await call('get', statusUrl, { token: token.supervisor }), 404);

      const pool: WorkerPool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, concurrency: 1, env });
      let status: Reply;
      try {
        const deadline = Date.now() + 60_000;
        do {
          await new Promise((r) => setTimeout(r, 250));
          status = await call('get', statusUrl, { token: token.investigator });
        } while (!['completed', 'failed'].includes(status.body.state) && Date.now() < deadline);
      } finally {
        await pool.close();
      }
      expect(status.body.state, JSON.stringify(status.body)).toBe('completed');
      expect(status.body).toMatchObject({ exportId, caseId, lang: 'zh', downloadUrl, result: { ringId: ring.ringId, masking: { level: 'masked', reason: 'case-not-referred' } } });
      expect(JSON.stringify(status.body)).not.toContain(exportDir);

      expectProblem(await call('get', downloadUrl, { token: token.supervisor }), 404);
      const res = await fetch(`${api.url}${downloadUrl}`, { headers: { authorization: `Bearer ${token.investigator}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-disposition')).toContain(`${status.body.result.caseNumber}.zip`);
      const zip = Buffer.from(await res.arrayBuffer());
      expect(zip.length).toBe(status.body.result.bytes);
      expect(createHash('sha256').update(zip).digest('hex')).toBe(status.body.result.sha256);
      const verified = await verifyPackage(zip);
      expect(verified.problems).toEqual([]);
      expect(verified.ok).toBe(true);
      expect(verified.manifest!.caseNumber).toBe(status.body.result.caseNumber);

      const requested = (await audits({ action: 'export-request', actor: 'inv' })).find((e) => e.details.exportId === exportId);
      expect(requested).toMatchObject({ target: `case:${caseId}`, outcome: 'success' });
      const built = (await audits({ action: 'export', actor: 'inv' })).find((e) => e.details.exportId === exportId);
      expect(built).toMatchObject({ target: `case:${caseId}`, outcome: 'success' });
      expect(built!.subjects.length).toBeGreaterThan(0);
      const downloaded = (await audits({ action: 'export-download', actor: 'inv' })).find((e) => e.details.exportId === exportId);
      expect(downloaded).toMatchObject({ target: `case:${caseId}`, details: { sha256: status.body.result.sha256 } });

      // Gone from disk (retention, a clean-up): a clear 404, not a stack trace.
      rmSync(exportDir, { recursive: true, force: true });
      expectProblem(await call('get', downloadUrl, { token: token.investigator }), 404);
    });
  });

  describe('hostile and malformed input', () => {
    const PAYLOADS = [
      "' OR 1=1 //",
      '"}) MATCH (n) DETACH DELETE n //',
      "x'}) DETACH DELETE n RETURN 1 //",
      '1; CALL dbms.shutdown()',
      '$ringId',
      '{{7*7}}',
      '<script>alert(1)</script>',
      '../../../etc/passwd',
      "张三' RETURN n //",
      '\u0000',
      '`id` $(id)',
      'a'.repeat(5000),
    ];

    it('treats injection-looking input in every string parameter of every route as data', async () => {
      const doc = (await call('get', '/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: { type?: string } }[] }>> };
      const before = await countNodes(services.driver);
      let tried = 0;
      for (const r of routes) {
        if (r.roles === 'public') continue;
        const role = r.roles[0]!;
        const op = doc.paths[`${API_PREFIX}${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`]![r.method]!;
        for (const p of op.parameters ?? []) {
          if (p.in !== 'path' && !(p.in === 'query' && (p.schema.type === 'string' || p.schema.type === undefined))) continue;
          for (const payload of PAYLOADS) {
            const value = encodeURIComponent(payload);
            const url =
              p.in === 'path'
                ? v1(r.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === p.name ? value : name === 'type' ? 'person' : name === 'queue' ? 'detect' : 'x')))
                : `${v1(r.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'type' ? 'person' : name === 'queue' ? 'detect' : detection.rings[0]!.ringId)))}?${p.name}=${value}`;
            const res = await call(r.method, url, { token: token[role], body: r.method === 'get' ? undefined : {} });
            tried++;
            expect([200, 400, 404, 409, 415, 422], `${r.operationId} ${p.in}.${p.name}=${JSON.stringify(payload.slice(0, 40))}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).toContain(res.status);
          }
        }
      }
      expect(tried).toBeGreaterThan(200);
      // A search for hostile text finds nothing and changes nothing; notes keep hostile text verbatim.
      for (const payload of PAYLOADS.slice(0, 11)) {
        const s = await call('get', `${v1('/entities/search')}?q=${encodeURIComponent(payload)}`, { token: token.investigator });
        expect([200, 400]).toContain(s.status);
        if (s.status === 200) expect(s.body.items).toEqual([]);
      }
      const ring = ringOf('trace-code-reuse');
      const c = await call('post', v1('/cases'), { token: token.investigator, body: { ringId: ring.ringId, title: PAYLOADS[1], note: PAYLOADS[2] } });
      expect(c.status).toBe(201);
      const back = await call('get', v1(`/cases/${c.body.caseId}`), { token: token.investigator });
      expect(back.body.title).toBe(PAYLOADS[1]);
      expect(back.body.history[0].note).toBe(PAYLOADS[2]);
      const login = await call('post', v1('/auth/login'), { body: { username: "admin' OR '1'='1", password: "' OR 1=1 //" } });
      expectProblem(login, 401);
      const after = await countNodes(services.driver);
      expect({ ...after, Case: before.Case, CaseEvent: before.CaseEvent }).toEqual(before);
    });

    it('answers problem+json for malformed JSON, oversized bodies, unknown routes', async () => {
      const malformed = await call('post', v1('/cases'), { token: token.investigator, rawBody: '{"ringId": ', headers: { 'content-type': 'application/json' } });
      expectProblem(malformed, 400);
      const huge = await call('post', v1('/cases/C-1/notes'), { token: token.investigator, body: { note: 'x'.repeat(200_000) } });
      expectProblem(huge, 413);
      expectProblem(await call('get', v1('/nothing/here'), { token: token.investigator }), 404);
      expectProblem(await call('get', '/nothing'), 404);
    });
  });

  describe('HTTP hygiene', () => {
    it('serves the OpenAPI document and the docs page without a token', async () => {
      const doc = await call('get', '/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe('3.1.0');
      // Every route of the registry, downloads included, is in the document.
      expect(Object.keys(doc.body.paths).length).toBe(new Set(routes.map((r) => r.path)).size);
      const page = await call('get', '/docs');
      expect(page.status).toBe(200);
      expect(page.body).toContain('swagger-ui');
      expect((await call('get', '/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    });

    it('sends security headers and CORS only to the configured origin', async () => {
      const r = await call('get', '/healthz', { headers: { origin: 'http://workbench.example' } });
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(r.headers.get('x-powered-by')).toBeNull();
      expect(r.headers.get('access-control-allow-origin')).toBe('http://workbench.example');
      const other = await call('get', '/healthz', { headers: { origin: 'http://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await call('options', v1('/rings'), { headers: { origin: 'http://workbench.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    });

    it('rate-limits logins per address with 429 problem+json', async () => {
      const limited = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: JWT_SECRET, loginRateLimit: { limit: 3, windowMs: 60_000 } });
      try {
        const c = client(limited.url);
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await c('post', v1('/auth/login'), { body: { username: 'inv', password: 'wrong-password' } })).status);
        expect(statuses).toEqual([401, 401, 401, 429]);
        const r = await c('post', v1('/auth/login'), { body: { username: 'inv', password: PASSWORDS.investigator } });
        expectProblem(r, 429);
        expect(r.headers.get('retry-after')).toBe('60');
      } finally {
        await limited.close();
      }
    });

    it('answers 503 naming Redis when Redis is away, instead of hanging', async () => {
      const getPort = (await import('get-port')).default;
      const dead = await getPort({ host: '127.0.0.1' });
      const broken = openServices({ ...stack, redis: { url: `redis://127.0.0.1:${dead}`, owned: false } }, inject('queuePrefix'));
      const brokenApi = await startApiServer(broken, '127.0.0.1', 0, { jwtSecret: JWT_SECRET });
      try {
        const c = client(brokenApi.url);
        const r = await c('post', v1('/runs'), { token: token.supervisor, body: {} });
        expectProblem(r, 503);
        expect(r.body.reason).toBe('Redis is unavailable');
        expect(r.headers.get('retry-after')).toBe('5');
        // What needs only Neo4j still works.
        expect((await c('get', v1('/rings'), { token: token.supervisor })).status).toBe(200);
      } finally {
        await brokenApi.close();
        await broken.close();
      }
    });
  });

  it('lets admins page through the audit trail, newest first, and audits that too', async () => {
    const first = await call('get', `${v1('/audit')}?limit=5`, { token: token.admin });
    const second = await call('get', `${v1('/audit')}?limit=5&cursor=${first.body.nextCursor}`, { token: token.admin });
    const times = [...first.body.items, ...second.body.items].map((e: { at: string }) => Date.parse(e.at));
    for (let i = 1; i < times.length; i++) expect(times[i - 1]).toBeGreaterThanOrEqual(times[i]!);
    const ids = new Set([...first.body.items, ...second.body.items].map((e: { eventId: string }) => e.eventId));
    expect(ids.size).toBe(10);
    expect((await audits({ action: 'audit-read', actor: 'admin' })).length).toBeGreaterThan(0);
    // Nothing in the API changes or removes an audit event.
    expect(routes.filter((r) => r.path.startsWith('/audit') && r.method !== 'get')).toEqual([]);
  });
});
