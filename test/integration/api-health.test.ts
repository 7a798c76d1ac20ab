import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import { migrate } from '../../graph/migrate.ts';
import { SCHEMA_VERSION } from '../../graph/migrations/index.ts';
import { openServices, type Services } from '../../runtime/services.ts';

describe('health endpoints', () => {
  const stack = inject('stack');
  let services: Services;
  let api: ApiServer;
  beforeAll(async () => {
    services = openServices(stack, inject('queuePrefix'));
    await migrate(services.driver);
    api = await startApiServer(services, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await api.close();
    await services.close();
  });

  it('/healthz answers while the process lives', async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('/readyz is 200 when Neo4j and Redis answer and the schema is current', async () => {
    const res = await fetch(`${api.url}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(body.checks).toMatchObject({ neo4j: { ok: true }, schema: { ok: true }, redis: { ok: true } });
  });

  it('/readyz is 503 with the reason when Redis is unreachable', async () => {
    const deadPort = await getPort({ host: '127.0.0.1' });
    const broken = openServices({ ...stack, redis: { url: `redis://127.0.0.1:${deadPort}`, owned: false } }, inject('queuePrefix'));
    const brokenApi = await startApiServer(broken, '127.0.0.1', 0);
    try {
      const res = await fetch(`${brokenApi.url}/readyz`);
      const body = (await res.json()) as { status: string; reason: string };
      expect(res.status).toBe(503);
      expect(body.reason).toMatch(/Redis unreachable/);
      expect(body.reason).not.toMatch(/Neo4j unreachable/);
    } finally {
      await brokenApi.close();
      await broken.close();
    }
  });

  it('/readyz is 503 naming the schema when migrations are missing', async () => {
    await services.driver.executeQuery('MATCH (m:SchemaMigration {version: $v}) SET m.version = -$v', { v: SCHEMA_VERSION });
    try {
      const res = await fetch(`${api.url}/readyz`);
      const body = (await res.json()) as { reason: string };
      expect(res.status).toBe(503);
      expect(body.reason).toContain(`schema version ${SCHEMA_VERSION - 1}, expected ${SCHEMA_VERSION}`);
    } finally {
      await services.driver.executeQuery('MATCH (m:SchemaMigration {version: $neg}) SET m.version = $v', { v: SCHEMA_VERSION, neg: -SCHEMA_VERSION });
    }
  });
});
