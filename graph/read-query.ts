import type { Driver, QueryResult, RecordShape } from 'neo4j-driver';

/**
 * One read as an auto-commit query (RUN + PULL) instead of a managed transaction (BEGIN, RUN + PULL,
 * COMMIT): half the Bolt messages and one round trip fewer, and no driver-side retry loop. For hot,
 * read-only API paths whose callers answer 503 at once when Neo4j is away. Measured on the expand
 * query at 8 concurrent callers: 0.85 ms of our CPU per query instead of 1.3 ms.
 */
export async function readQuery<R extends RecordShape = RecordShape>(
  driver: Driver,
  cypher: string,
  params: Record<string, unknown>,
  opts: { timeoutMs?: number } = {},
): Promise<QueryResult<R>> {
  const session = driver.session({ defaultAccessMode: 'READ' });
  try {
    return await session.run<R>(cypher, params, opts.timeoutMs ? { timeout: opts.timeoutMs } : undefined);
  } finally {
    await session.close();
  }
}
