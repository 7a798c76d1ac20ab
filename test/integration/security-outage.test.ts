import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../access/passwords.ts';
import { API_PREFIX } from '../../api/openapi.ts';
import { API_DRIVER_OPTIONS } from '../../api/options.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import { migrate } from '../../graph/migrate.ts';
import { createUser } from '../../graph/users/users.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { client } from './api-client.ts';
import { tcpRelay, type RelayMode } from './helpers/tcp-relay.ts';

/**
 * Outages under load (issue 22, defect 6): the API reaches the test stack's Neo4j and Redis through
 * relays that refuse or swallow connections on command. With 8 clients requesting all the while,
 * every answer comes within 3 s — a 503 naming what is down, or a 200 from what needs neither — and
 * the same API process answers 200 again once the servers are back. /metrics never waits on Redis.
 */
const LIMIT_MS = 3_000;
const CLIENTS = 8;

describe('security: every wait on Neo4j and Redis is bounded', () => {
  const stack = inject('stack');
  const bolt = tcpRelay();
  const redis = tcpRelay();
  let services: Services;
  let api: ApiServer;
  let call: ReturnType<typeof client>;
  let token: string;
  const username = `outage.${process.pid}`;
  /** one account per client: one login per account runs at a time (api/auth/login-limits.ts) */
  const clientUser = (c: number) => `${username}.${c}`;
  const password = 'outage-security-password';

  beforeAll(async () => {
    bolt.retarget(Number(new URL(stack.neo4j.uri.replace(/^bolt/, 'http')).port));
    redis.retarget(Number(new URL(stack.redis.url).port));
    await bolt.listen();
    await redis.listen();
    services = openServices(
      // Not `local`: the relay is the address here, the instance's own record must not be followed past it.
      { neo4j: { uri: `bolt://127.0.0.1:${bolt.port()}`, user: stack.neo4j.user, password: stack.neo4j.password, owned: false }, redis: { url: `redis://127.0.0.1:${redis.port()}`, owned: false } },
      `${inject('queuePrefix')}-security-outage`,
      API_DRIVER_OPTIONS,
    );
    await migrate(services.driver);
    const passwordHash = await hashPassword(password);
    for (const name of [username, ...Array.from({ length: CLIENTS }, (_, c) => clientUser(c))]) await createUser(services.driver, { username: name, displayName: 'outage', role: 'supervisor', passwordHash });
    api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: 'outage-security-secret-0123456789abcdef' });
    call = client(api.url);
    const login = await call('post', `${API_PREFIX}/auth/login`, { body: { username, password } });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await services?.close();
    await bolt.close();
    await redis.close();
  });

  type Answer = { what: string; status: number; ms: number; reason?: string };
  /** CLIENTS loops, each going round the requests, for `ms`; every answer with its time. */
  async function load(ms: number, requests: [what: string, send: (client: number) => ReturnType<typeof call>][]): Promise<Answer[]> {
    const answers: Answer[] = [];
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = c; Date.now() < until; i++) {
          const [what, send] = requests[i % requests.length]!;
          const t = Date.now();
          const r = await send(c);
          answers.push({ what, status: r.status, ms: Date.now() - t, ...(r.status === 503 ? { reason: (r.body as { reason?: string }).reason } : {}) });
        }
      }),
    );
    return answers;
  }
  const get = (url: string) => () => call('get', url, { token });
  const login = (c: number) => call('post', `${API_PREFIX}/auth/login`, { body: { username: clientUser(c), password } });
  const NEO4J_READS: [string, (client: number) => ReturnType<typeof call>][] = [
    ['rings', get(`${API_PREFIX}/rings?limit=5`)],
    ['ring', get(`${API_PREFIX}/rings/R-NO-SUCH-RING`)],
    ['search', get(`${API_PREFIX}/entities/search?q=330106`)],
    ['expand', get(`${API_PREFIX}/graph/expand?node=${encodeURIComponent('4:00000000-0000-0000-0000-000000000000:1')}`)],
    ['me', get(`${API_PREFIX}/auth/me`)],
    ['login', login],
  ];
  const summary = (answers: Answer[]) => {
    const by: Record<string, Record<number, number>> = {};
    for (const a of answers) (by[a.what] ??= {})[a.status] = (by[a.what]![a.status] ?? 0) + 1;
    const times = answers.map((a) => a.ms).sort((x, y) => x - y);
    return { requests: answers.length, statuses: by, medianMs: times[Math.floor(times.length / 2)], maxMs: times.at(-1) };
  };

  for (const mode of ['refuse', 'blackhole'] as RelayMode[]) {
    it(`Neo4j ${mode === 'refuse' ? 'refusing connections' : 'swallowing connections'}: 8 clients for 8 s get 503 (or a cached 200) within 3 s each; back to 200 without a restart`, async () => {
      // Warm first: a fresh API's first queries can take longer than it waits for an answer (503 meanwhile).
      const warmUntil = Date.now() + 60_000;
      while (!(await load(1_000, NEO4J_READS)).every((a) => a.status === 200 || a.status === 404)) expect(Date.now()).toBeLessThan(warmUntil);
      bolt.mode(mode);
      let during: Answer[];
      try {
        during = await load(8_000, NEO4J_READS);
      } finally {
        bolt.mode('forward');
      }
      console.log(`[security-outage] Neo4j ${mode}: ${JSON.stringify(summary(during))}`);
      const slow = during.filter((a) => a.ms > LIMIT_MS);
      expect(slow, JSON.stringify(slow.slice(0, 5))).toEqual([]);
      // 200 and 404 come from the per-process caches (sessions, ring reads), which need no Neo4j.
      const wrong = during.filter((a) => !(a.status === 503 && a.reason === 'Neo4j is unavailable') && a.status !== 200 && a.status !== 404);
      expect(wrong, JSON.stringify(wrong.slice(0, 5))).toEqual([]);
      expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(CLIENTS);

      const deadline = Date.now() + 30_000;
      let after: Answer[] = [];
      while (Date.now() < deadline) {
        after = await load(500, NEO4J_READS);
        if (after.every((a) => a.status === 200 || a.status === 404)) break;
      }
      expect(after.filter((a) => a.status !== 200 && a.status !== 404)).toEqual([]);
    }, 90_000);
  }

  for (const mode of ['refuse', 'blackhole'] as RelayMode[]) {
    it(`Redis ${mode === 'refuse' ? 'refusing connections' : 'swallowing connections'}: queueing a run is a 503 within 3 s, logins and /metrics answer within 3 s; back without a restart`, async () => {
      redis.mode(mode);
      let during: Answer[];
      try {
        during = await load(6_000, [
        ['run', () => call('post', `${API_PREFIX}/runs`, { token, body: {} })],
        ['job', get(`${API_PREFIX}/jobs/detect/no-such-job`)],
        ['metrics', () => call('get', '/metrics')],
        ['login', login],
          ['rings', get(`${API_PREFIX}/rings?limit=5`)],
        ]);
      } finally {
        redis.mode('forward');
      }
      console.log(`[security-outage] Redis ${mode}: ${JSON.stringify(summary(during))}`);
      const slow = during.filter((a) => a.ms > LIMIT_MS);
      expect(slow, JSON.stringify(slow.slice(0, 5))).toEqual([]);
      const expected: Record<string, number[]> = { run: [503], job: [503], metrics: [200], login: [200], rings: [200] };
      const wrong = during.filter((a) => !expected[a.what]!.includes(a.status) || (a.status === 503 && a.reason !== 'Redis is unavailable'));
      expect(wrong, JSON.stringify(wrong.slice(0, 5))).toEqual([]);
      const metrics = await call('get', '/metrics');
      expect(metrics.body).toMatch(/ringlens_metrics_scrape_errors_total\{queue="[^"]+"\} [1-9]/);
      const deadline = Date.now() + 30_000;
      let status = 0;
      while (Date.now() < deadline && status !== 404) {
        status = (await call('get', `${API_PREFIX}/jobs/detect/no-such-job`, { token })).status;
        if (status !== 404) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(404);
    }, 90_000);
  }
});
