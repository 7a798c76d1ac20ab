import neo4j, { type Driver } from 'neo4j-driver';

/** Detection runs as the write-back stored them (graph/rings/write-run.ts). */
export interface RunSummary {
  runId: string;
  startedAt: string | null;
  finishedAt: string | null;
  scope: Record<string, unknown>;
  claimCount: number | null;
  ringCount: number | null;
  newRings: number | null;
  grownRings: number | null;
  shrunkRings: number | null;
  unchangedRings: number | null;
  rescoredRings: number | null;
  dissolvedRings: number | null;
  timings: Record<string, number>;
}

export async function listRuns(driver: Driver, after: [string, string] | undefined, limit: number): Promise<RunSummary[]> {
  const { records } = await driver.executeQuery(
    `MATCH (d:DetectionRun)
     WHERE $afterAt IS NULL OR d.startedAt < datetime($afterAt) OR (d.startedAt = datetime($afterAt) AND d.runId < $afterId)
     WITH d ORDER BY d.startedAt DESC, d.runId DESC LIMIT $limit
     RETURN d.runId AS runId, toString(d.startedAt) AS startedAt, toString(d.finishedAt) AS finishedAt, d.scope AS scope,
            d.claimCount AS claimCount, d.ringCount AS ringCount, d.newRings AS newRings, d.grownRings AS grownRings,
            d.shrunkRings AS shrunkRings, d.unchangedRings AS unchangedRings, d.rescoredRings AS rescoredRings, d.dissolvedRings AS dissolvedRings, d.timings AS timings`,
    { afterAt: after?.[0] ?? null, afterId: after?.[1] ?? null, limit: neo4j.int(limit) },
    { routing: 'READ' },
  );
  return records.map((r) => {
    const o = r.toObject() as RunSummary & { scope: string | null; timings: string | null };
    return { ...o, scope: o.scope ? JSON.parse(o.scope) : {}, timings: o.timings ? JSON.parse(o.timings) : {} };
  });
}
