import type { TestProject } from 'vitest/node';
import { loadEnv } from '../../config/env.ts';
import { ensureStack, stopStack, type StackConnections } from '../../stack/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackConnections;
    queuePrefix: string;
  }
}

const INSTANCE = 'test';

/**
 * Provisions the real servers once per test run. Never skips: if Neo4j or Redis cannot be
 * brought up, this throws and every integration test fails with the reason.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = loadEnv({ ...process.env, NEO4J_HEAP: process.env.NEO4J_HEAP ?? '2g', NEO4J_PAGECACHE: process.env.NEO4J_PAGECACHE ?? '1g' });
  const started = Date.now();
  const stack = await ensureStack(env, { instance: INSTANCE, freshNeo4j: true, neo4jPort: 0 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const n = stack.neo4j;
  const origin = n.owned
    ? `provisioned Neo4j ${n.version} locally in ${seconds} s (${n.reusedCache ? 'reused cached server jars, nothing downloaded' : 'server jars downloaded from Maven Central'})`
    : `using external Neo4j at ${n.uri}`;
  console.log(`\n[test stack] ${origin}; Neo4j ${n.uri}; Redis ${stack.redis.url}${stack.redis.owned ? ' (project-owned)' : ''}\n`);
  project.provide('stack', stack);
  project.provide('queuePrefix', `ringlens-test-${process.pid}`);
  return async () => {
    await stopStack(env, INSTANCE, stack);
    console.log('[test stack] project-owned Neo4j and Redis stopped');
  };
}
