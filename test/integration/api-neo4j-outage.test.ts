import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../access/passwords.ts';
import { API_PREFIX } from '../../api/openapi.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import { loadEnv } from '../../config/env.ts';
import { migrate } from '../../graph/migrate.ts';
import { createUser } from '../../graph/users/users.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { instanceDir, startNeo4j, stopNeo4j } from '../../stack/neo4j-local.ts';
import { client } from './api-client.ts';

/**
 * The API runs on its own small Neo4j, which this test stops and starts again: while it is down the
 * API answers 503 naming Neo4j; when it is back the same process answers 200 again, no restart.
 * The instance is restarted without a port and comes back on the one it kept, so the API's driver,
 * given a plain address (not the instance's record), reconnects by itself.
 */
describe('the API while Neo4j goes away and comes back', () => {
  const stack = inject('stack');
  const env = loadEnv({ ...process.env, NEO4J_HEAP: '1g', NEO4J_PAGECACHE: '512m' });
  const instance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: `api-outage-${process.pid}`, heap: '1g', pageCache: '512m' };
  let services: Services;
  let api: ApiServer;
  let token: string;
  let call: ReturnType<typeof client>;
  let neo: Awaited<ReturnType<typeof startNeo4j>>;

  beforeAll(async () => {
    neo = await startNeo4j({ ...instance, fresh: true, preferredPort: 0 });
    services = openServices({ neo4j: { uri: neo.uri, user: neo.user, password: neo.password, owned: true }, redis: stack.redis }, `${inject('queuePrefix')}-outage`, {
      maxTransactionRetryTime: 1_000,
    });
    await migrate(services.driver);
    await createUser(services.driver, { username: 'ops', displayName: 'ops', role: 'supervisor', passwordHash: await hashPassword('outage-test-password') });
    api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: 'outage-test-secret-0123456789abcdefgh' });
    call = client(api.url);
    const login = await call('post', `${API_PREFIX}/auth/login`, { body: { username: 'ops', password: 'outage-test-password' } });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
  }, 240_000);

  afterAll(async () => {
    await api?.close();
    await services?.close();
    await stopNeo4j(instance);
    rmSync(instanceDir(instance), { recursive: true, force: true });
  }, 120_000);

  it('answers 503 with the reason while Neo4j is down and 200 again once it is back', async () => {
    expect((await call('get', `${API_PREFIX}/rings`, { token })).status).toBe(200);

    await stopNeo4j(instance);
    const started = Date.now();
    const down = await call('get', `${API_PREFIX}/rings`, { token });
    expect(down.status).toBe(503);
    expect(down.contentType).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({ status: 503, reason: 'Neo4j is unavailable' });
    expect(down.headers.get('retry-after')).toBe('5');
    expect(Date.now() - started).toBeLessThan(15_000);
    const login = await call('post', `${API_PREFIX}/auth/login`, { body: { username: 'ops', password: 'outage-test-password' } });
    expect(login.status).toBe(503);
    expect((await call('get', '/readyz')).status).toBe(503);
    expect((await call('get', '/healthz')).status).toBe(200);

    const back = await startNeo4j(instance);
    expect(back.boltPort).toBe(neo.boltPort);
    let status = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      status = (await call('get', `${API_PREFIX}/rings`, { token })).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(200);
    expect((await call('post', `${API_PREFIX}/auth/login`, { body: { username: 'ops', password: 'outage-test-password' } })).status).toBe(200);
    expect((await call('get', '/readyz')).status).toBe(200);
  }, 240_000);
});
