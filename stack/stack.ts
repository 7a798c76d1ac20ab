import type { Env } from '../config/env.ts';
import { logger } from '../config/logger.ts';
import { runningInstance, startNeo4j, stopNeo4j, type Neo4jConnection, type Neo4jInstanceOptions } from './neo4j-local.ts';

export type LocalInstance = Pick<Neo4jInstanceOptions, 'cacheDir' | 'name'>;
import { redisReachable, runningRedis, startRedis, stopRedis } from './redis-local.ts';

/** Where the services are, and whether this project started them (and so must stop them). */
export interface StackConnections {
  neo4j: Neo4jConnection & {
    owned: boolean;
    version?: string;
    reusedCache?: boolean;
    provisionSeconds?: number;
    /** Set for a project-owned instance: long-running clients re-read its address from there (it may move). */
    local?: LocalInstance;
  };
  redis: { url: string; owned: boolean };
}

export interface StackOptions {
  /** Local instances are named, so the demo and the test suite each have their own servers. */
  instance: string;
  freshNeo4j?: boolean;
  neo4jPort?: number;
  /** Start the local Neo4j with the Graph Data Science plugin (an external NEO4J_URI must have it already). */
  withGds?: boolean;
}

/** Brings up whatever is not provided from outside: NEO4J_URI / REDIS_URL win when set. */
export async function ensureStack(env: Env, opts: StackOptions): Promise<StackConnections> {
  const [neo4j, redis] = await Promise.all([ensureNeo4j(env, opts), ensureRedis(env, opts)]);
  return { neo4j, redis };
}

/** Neo4j alone (benchmarks need no Redis): NEO4J_URI when set, otherwise the named local instance. */
export async function ensureNeo4j(env: Env, opts: StackOptions): Promise<StackConnections['neo4j']> {
  if (env.NEO4J_URI) {
    logger().info({ uri: env.NEO4J_URI }, 'using the Neo4j server named by NEO4J_URI');
    return { uri: env.NEO4J_URI, user: env.NEO4J_USER ?? 'neo4j', password: env.NEO4J_PASSWORD!, owned: false };
  }
  const s = await startNeo4j({
    cacheDir: env.RINGLENS_CACHE_DIR,
    versionRange: env.NEO4J_VERSION_RANGE,
    name: opts.instance,
    heap: env.NEO4J_HEAP,
    pageCache: env.NEO4J_PAGECACHE,
    fresh: opts.freshNeo4j ?? false,
    withGds: opts.withGds ?? false,
    ...(opts.neo4jPort !== undefined ? { preferredPort: opts.neo4jPort } : {}),
  });
  return {
    uri: s.uri,
    user: s.user,
    password: s.password,
    owned: !s.reused,
    version: s.version,
    reusedCache: !s.downloaded,
    provisionSeconds: s.provisionSeconds,
    local: { cacheDir: env.RINGLENS_CACHE_DIR, name: opts.instance },
  };
}

async function ensureRedis(env: Env, opts: StackOptions): Promise<StackConnections['redis']> {
  if (env.REDIS_URL) {
    const problem = await redisReachable(env.REDIS_URL);
    if (!problem) {
      logger().info({ url: env.REDIS_URL }, 'using the Redis named by REDIS_URL');
      return { url: env.REDIS_URL, owned: false };
    }
    logger().warn({ url: env.REDIS_URL, problem }, 'REDIS_URL is not reachable; starting a project-owned redis-server instead');
  }
  const s = await startRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name: opts.instance });
  return { url: s.url, owned: !s.reused };
}

export async function stopStack(env: Env, instance: string, stack?: StackConnections): Promise<void> {
  const stops: Promise<unknown>[] = [];
  if (!stack || stack.neo4j.owned) stops.push(stopNeo4j({ cacheDir: env.RINGLENS_CACHE_DIR, name: instance }));
  if (!stack || stack.redis.owned) stops.push(stopRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name: instance }));
  await Promise.all(stops);
}

/**
 * For commands that only connect (serve, worker, db migrate): the environment first, then a
 * local instance started earlier with `ringlens neo4j start` / `ringlens redis start`.
 */
export function locateNeo4j(env: Env, instance = 'default'): StackConnections['neo4j'] {
  if (env.NEO4J_URI) {
    return { uri: env.NEO4J_URI, user: env.NEO4J_USER ?? 'neo4j', password: env.NEO4J_PASSWORD!, owned: false };
  }
  const local = runningInstance({ cacheDir: env.RINGLENS_CACHE_DIR, name: instance });
  if (!local) throw new Error(`no Neo4j to connect to: set NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD, or run \`ringlens neo4j start\` first`);
  return { uri: local.uri, user: local.user, password: local.password, owned: false, version: local.version, local: { cacheDir: env.RINGLENS_CACHE_DIR, name: instance } };
}

export function locateStack(env: Env, instance = 'default'): StackConnections {
  const neo4j = locateNeo4j(env, instance);
  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    const local = runningRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name: instance });
    if (!local) throw new Error('no Redis to connect to: set REDIS_URL, or run `ringlens redis start` first');
    redisUrl = local.url;
  }
  return { neo4j, redis: { url: redisUrl, owned: false } };
}
