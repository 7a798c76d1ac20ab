import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_PREFIX } from '../../api/openapi.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import type { ApiOptions } from '../../api/app.ts';
import { migrate } from '../../graph/migrate.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { client, createRoleUsers, PASSWORDS, USERNAME } from './api-client.ts';
import { wipeGraph } from './graph-snapshot.ts';

/**
 * Attacks on logins and sessions (issue 22, defects 1 and 3). Two API servers on one Redis stand for
 * two API processes or machines: limits and ended sessions must hold across them.
 */
const JWT_SECRET = 'security-test-secret-0123456789abcdef';
const v1 = (p: string) => `${API_PREFIX}${p}`;

describe('security: login limits and sessions', () => {
  const stack = inject('stack');
  let services: Services;
  const servers: ApiServer[] = [];
  let run = 0;

  /** An API process on the shared Neo4j and Redis; each test gets its own Redis key space (prefix). */
  const start = async (opts: ApiOptions = {}, svc = services) => {
    const s = await startApiServer(svc, '127.0.0.1', 0, { jwtSecret: JWT_SECRET, ...opts });
    servers.push(s);
    return client(s.url);
  };
  const freshServices = () => openServices(stack, `${inject('queuePrefix')}-security-auth-${++run}`);
  const opened: Services[] = [];
  const twoProcesses = async (opts: ApiOptions) => {
    const svc = freshServices();
    opened.push(svc);
    return [await start(opts, svc), await start(opts, svc)] as const;
  };
  const login = (c: ReturnType<typeof client>, username: string, password: string, forwardedFor?: string) =>
    c('post', v1('/auth/login'), { body: { username, password }, ...(forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {}) });
  let auditor: { c: ReturnType<typeof client>; token: string } | undefined;
  const audits = async (q: Record<string, string>) => {
    if (!auditor) {
      const c = await start();
      auditor = { c, token: (await login(c, USERNAME.admin, PASSWORDS.admin)).body.accessToken };
    }
    const r = await auditor.c('get', `${v1('/audit')}?${new URLSearchParams(q)}`, { token: auditor.token });
    expect(r.status).toBe(200);
    return r.body.items as { action: string; actor: string; target: string; ip: string; outcome: string; details: Record<string, unknown> }[];
  };

  beforeAll(async () => {
    services = openServices(stack, `${inject('queuePrefix')}-security-auth`);
    await wipeGraph(services.driver);
    await migrate(services.driver);
    await createRoleUsers(services.driver);
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const s of opened) await s.close();
    await services?.close();
  });

  describe('defect 1: login limits', () => {
    it('ignores a forged X-Forwarded-For by default: rotating it does not dodge the address limit, and the audit trail keeps the real address', async () => {
      const [c] = await twoProcesses({ loginRateLimit: { limit: 5, windowMs: 60_000, accountLimit: 1_000 } });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await login(c, `nobody${i}`, 'wrong-password', `203.0.113.${i + 1}`)).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5)).toEqual(Array(7).fill(429));
      const failed = await audits({ action: 'login-failed', actor: 'nobody3' });
      expect(failed[0]!.ip).toMatch(/127\.0\.0\.1/);
      expect(failed.some((e) => /203\.0\.113/.test(e.ip))).toBe(false);
    });

    it('believes X-Forwarded-For only from a configured proxy (RINGLENS_TRUST_PROXY), and then limits each client separately', async () => {
      const [c] = await twoProcesses({ trustProxy: 'loopback', loginRateLimit: { limit: 2, windowMs: 60_000, accountLimit: 1_000 } });
      const a = [1, 2, 3].map(() => 0);
      for (let i = 0; i < 3; i++) a[i] = (await login(c, 'proxied', 'wrong-password', '198.51.100.7')).status;
      expect(a).toEqual([401, 401, 429]);
      // Another client behind the same proxy is not locked out by the first one's failures.
      expect((await login(c, 'proxied', 'wrong-password', '198.51.100.8')).status).toBe(401);
      const failed = await audits({ action: 'login-failed', actor: 'proxied' });
      expect(failed.map((e) => e.ip)).toContain('198.51.100.8');
    });

    it('locks an account after repeated failures across API processes and addresses, refuses even the right password while locked, and audits the lock once', async () => {
      const [a, b] = await twoProcesses({ loginRateLimit: { limit: 1_000, windowMs: 60_000, accountLimit: 3, lockMs: 120_000 } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await login(i % 2 ? b : a, USERNAME.supervisor, 'wrong-password')).status);
      expect(statuses).toEqual([401, 401, 401]);
      const locked = await login(b, USERNAME.supervisor, PASSWORDS.supervisor);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(100);
      expect(locked.body.detail).toMatch(/this account/);
      expect((await login(a, USERNAME.supervisor, PASSWORDS.supervisor)).status).toBe(429);
      // Other accounts are not affected.
      expect((await login(a, USERNAME.investigator, PASSWORDS.investigator)).status).toBe(200);
      const locks = (await audits({ action: 'login-locked', target: `user:${USERNAME.supervisor}` })).filter((e) => e.details.scope === 'account');
      expect(locks).toHaveLength(1);
      expect(locks[0]).toMatchObject({ outcome: 'failure', details: { scope: 'account', failures: 3 } });
      expect(locks[0]!.details.lockedForSeconds).toBeGreaterThan(100);
    });

    it('lets no burst of parallel guesses past the count: one password of an account is checked at a time, and exactly the allowed failures are ever checked', async () => {
      const [a, b] = await twoProcesses({ loginRateLimit: { limit: 1_000, windowMs: 60_000, accountLimit: 3 } });
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => login(i % 2 ? a : b, USERNAME.liaison, `guess-${i}-wrong`)));
      const checked = burst.filter((r) => r.status === 401).length;
      expect(checked).toBeGreaterThanOrEqual(1);
      expect(checked).toBeLessThanOrEqual(3);
      expect(burst.filter((r) => r.status === 429).length).toBe(20 - checked);
      expect(burst.find((r) => r.status === 429)!.body.detail).toMatch(/in progress|too many failed/);
      // Then one at a time until the lock: three checked passwords in all, never more.
      let total = checked;
      for (let i = 0; i < 10; i++) {
        const r = await login(i % 2 ? a : b, USERNAME.liaison, `later-${i}-wrong`);
        if (r.status === 429) {
          expect(r.body.detail).toMatch(/too many failed logins for this account/);
          break;
        }
        expect(r.status).toBe(401);
        total++;
      }
      expect(total).toBe(3);
    });

    it('forgets an account’s failures after a successful login', async () => {
      // Three attempts per window: two failures leave the third for the right password.
      const [a] = await twoProcesses({ loginRateLimit: { limit: 1_000, windowMs: 60_000, accountLimit: 3 } });
      for (let round = 0; round < 3; round++) {
        expect((await login(a, USERNAME.investigator, 'wrong-password')).status).toBe(401);
        expect((await login(a, USERNAME.investigator, 'wrong-password')).status).toBe(401);
        expect((await login(a, USERNAME.investigator, PASSWORDS.investigator)).status).toBe(200);
      }
    });
  });

  describe('defect 3: ended sessions end at once, in every API process', () => {
    const setUp = async (username: string) => {
      const [a, b] = await twoProcesses({ loginRateLimit: { limit: 1_000, windowMs: 60_000 } });
      const admin = (await login(a, USERNAME.admin, PASSWORDS.admin)).body.accessToken as string;
      expect((await a('post', v1('/users'), { token: admin, body: { username, displayName: username, role: 'admin', password: 'second-admin-password' } })).status).toBe(201);
      const theirs = (await login(b, username, 'second-admin-password')).body.accessToken as string;
      // Process b has now seen (and cached) this user's session.
      expect((await b('get', v1('/users'), { token: theirs })).status).toBe(200);
      return { a, b, admin, theirs };
    };

    it('a demoted admin’s access token can no longer create users, on another API process, on the next request', async () => {
      const { a, b, admin, theirs } = await setUp('demoted.admin');
      expect((await a('patch', v1('/users/demoted.admin'), { token: admin, body: { role: 'investigator' } })).status).toBe(200);
      const r = await b('post', v1('/users'), { token: theirs, body: { username: 'sneaky', displayName: 'x', role: 'admin', password: 'sneaky-password-1' } });
      expect(r.status).toBe(401);
      expect(r.body.detail).toMatch(/session ended/);
      expect((await a('get', v1('/users'), { token: theirs })).status).toBe(401);
      const users = (await a('get', v1('/users'), { token: admin })).body.items as { username: string }[];
      expect(users.map((u) => u.username)).not.toContain('sneaky');
    });

    it('a disabled user’s access token stops working on the next request', async () => {
      const { a, b, admin, theirs } = await setUp('disabled.admin');
      expect((await a('patch', v1('/users/disabled.admin'), { token: admin, body: { disabled: true } })).status).toBe(200);
      expect((await b('get', v1('/users'), { token: theirs })).status).toBe(401);
    });

    it('logout ends the access token too, not only the refresh token', async () => {
      const { a, b, theirs } = await setUp('leaving.admin');
      expect((await a('post', v1('/auth/logout'), { token: theirs })).status).toBe(200);
      expect((await b('get', v1('/auth/me'), { token: theirs })).status).toBe(401);
      expect((await a('get', v1('/auth/me'), { token: theirs })).status).toBe(401);
    });
  });
});
