import neo4j, { type Driver } from 'neo4j-driver';
import type { Neo4jConnection } from '../stack/neo4j-local.ts';

export interface DriverOptions {
  /**
   * How long a managed transaction keeps retrying while the server is away (driver default 30 s).
   * Batch work wants the default; the API wants a quick 503 instead of a request hanging 30 s.
   */
  maxTransactionRetryTime?: number;
  /** how long opening a connection may take (default 5 s) */
  connectionTimeout?: number;
  /** how long a query may wait for a pooled connection, opening included (default 10 s) */
  connectionAcquisitionTimeout?: number;
  /**
   * How long any call may go unanswered before it fails as ServiceUnavailable (unset: no bound).
   * neo4j-driver has no such setting; runtime/resilient-driver.ts enforces it (openServices).
   */
  answerWithinMs?: number;
}

export function createDriver(conn: Neo4jConnection, opts: DriverOptions = {}): Driver {
  return neo4j.driver(conn.uri, neo4j.auth.basic(conn.user, conn.password), {
    ...(opts.maxTransactionRetryTime !== undefined ? { maxTransactionRetryTime: opts.maxTransactionRetryTime } : {}),
    maxConnectionPoolSize: 50,
    connectionAcquisitionTimeout: opts.connectionAcquisitionTimeout ?? 10_000,
    connectionTimeout: opts.connectionTimeout ?? 5_000,
    // Integers come back as JS numbers when they fit; our counts and amounts always do.
    disableLosslessIntegers: true,
    logging: { level: 'warn', logger: (level, message) => process.stderr.write(`neo4j-driver ${level}: ${message}\n`) },
  });
}

/** Name and version of the server, as `CALL dbms.components()` reports them. */
export async function serverComponents(driver: Driver): Promise<{ name: string; version: string; edition: string }> {
  const { records } = await driver.executeQuery('CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition');
  const r = records[0];
  if (!r) throw new Error('dbms.components() returned nothing');
  return { name: r.get('name') as string, version: r.get('version') as string, edition: r.get('edition') as string };
}
