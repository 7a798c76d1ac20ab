import type { Driver } from 'neo4j-driver';

export interface Checkpoint {
  key: string;
  file: string;
  committedLine: number;
  completed: boolean;
}

export async function readCheckpoint(driver: Driver, key: string): Promise<Checkpoint | undefined> {
  const { records } = await driver.executeQuery(
    'MATCH (k:IngestCheckpoint {key: $key}) RETURN k.file AS file, k.committedLine AS committedLine, k.completedAt IS NOT NULL AS completed',
    { key },
  );
  const r = records[0];
  return r ? { key, file: r.get('file') as string, committedLine: Number(r.get('committedLine')), completed: r.get('completed') as boolean } : undefined;
}

/**
 * Writes one batch and advances the file's checkpoint in the same transaction, so after a crash the
 * checkpoint never claims a batch that did not commit (nor misses one that did). The driver's managed
 * transaction retries transient errors (deadlocks, leader changes) with backoff.
 */
export async function writeBatch(
  driver: Driver,
  statement: string,
  rows: object[],
  checkpoint: { key: string; file: string; throughLine: number },
): Promise<void> {
  const session = driver.session();
  try {
    await session.executeWrite(async (tx) => {
    await tx.run(statement, { rows });
    await tx.run(
      `MERGE (k:IngestCheckpoint {key: $key})
       ON CREATE SET k.startedAt = datetime()
       SET k.file = $file, k.committedLine = $line, k.updatedAt = datetime()`,
      { key: checkpoint.key, file: checkpoint.file, line: checkpoint.throughLine },
    );
    });
  } finally {
    await session.close();
  }
}

export async function completeCheckpoint(driver: Driver, key: string, file: string, summary: { read: number; accepted: number; rejected: number }): Promise<void> {
  await driver.executeQuery(
    `MERGE (k:IngestCheckpoint {key: $key})
     ON CREATE SET k.startedAt = datetime()
     SET k.file = $file, k.completedAt = datetime(), k.read = $read, k.accepted = $accepted, k.rejected = $rejected`,
    { key, file, ...summary },
  );
}
