import type { Driver } from 'neo4j-driver';
import type { Redis } from 'ioredis';
import { SCHEMA_VERSION } from '../graph/migrations/index.ts';
import { currentSchemaVersion } from '../graph/migrate.ts';

export interface Check {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  checks: { neo4j: Check; schema: Check; redis: Check };
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

/** Ready means: Neo4j answers, its schema is at the version this build expects, Redis answers. */
export async function checkReadiness(driver: Driver, redisProbe: Redis): Promise<Readiness> {
  const [neo4j, schema, redis] = await Promise.all([
    withTimeout(driver.verifyConnectivity(), 2_500, 'Neo4j')
      .then((): Check => ({ ok: true, detail: 'reachable' }))
      .catch((e: Error): Check => ({ ok: false, detail: `Neo4j unreachable: ${e.message}` })),
    withTimeout(currentSchemaVersion(driver), 2_500, 'Neo4j')
      .then((v): Check =>
        v === SCHEMA_VERSION
          ? { ok: true, detail: `schema version ${v}` }
          : { ok: false, detail: `schema version ${v}, expected ${SCHEMA_VERSION}: run \`ringlens db migrate\`` },
      )
      .catch((e: Error): Check => ({ ok: false, detail: `schema version unknown: ${e.message}` })),
    withTimeout(redisProbe.ping(), 2_000, 'Redis')
      .then((): Check => ({ ok: true, detail: 'reachable' }))
      .catch((e: Error): Check => ({ ok: false, detail: `Redis unreachable: ${e.message}` })),
  ]);
  return { ready: neo4j.ok && schema.ok && redis.ok, checks: { neo4j, schema, redis } };
}
