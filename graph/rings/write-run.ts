import type { Driver } from 'neo4j-driver';
import type { TrackingResult } from '../../detection/tracking.ts';

/**
 * Writes a detection run back: the DetectionRun node with its parameters, timings and counts; each
 * ring (kept id, current snapshot, members with roles, evidence claims) linked from the run with what
 * changed; dissolved rings marked and linked. One transaction, so a run is stored whole or not at all.
 */

export interface RunRecord {
  runId: string;
  startedAt: string;
  finishedAt: string;
  scope: Record<string, unknown>;
  parameters: Record<string, unknown>;
  timings: Record<string, number>;
  claimCount: number;
  /** schedule and period of a scheduled run ("nightly-detection/2026-11-23"): unique, so a period is detected once */
  scheduleKey?: string;
}

const LABEL_KEY = { person: ['Person', 'idNumber'], card: ['Card', 'cardNo'], doctor: ['Doctor', 'code'], institution: ['Institution', 'code'] } as const;

export async function writeDetectionRun(driver: Driver, run: RunRecord, tracked: TrackingResult): Promise<void> {
  const session = driver.session();
  try {
    await session.executeWrite(async (tx) => {
      await tx.run(
        `CREATE (d:DetectionRun {runId: $runId})
         SET d.startedAt = datetime($startedAt), d.finishedAt = datetime($finishedAt), d.scope = $scope, d.parameters = $parameters,
             d.timings = $timings, d.claimCount = $claimCount, d.ringCount = $ringCount,
             d.newRings = $counts.new, d.grownRings = $counts.grown, d.shrunkRings = $counts.shrunk,
             d.unchangedRings = $counts.unchanged, d.rescoredRings = $counts.rescored, d.dissolvedRings = $counts.dissolved, d.scheduleKey = $scheduleKey`,
        {
          ...run,
          scheduleKey: run.scheduleKey ?? null,
          scope: JSON.stringify(run.scope),
          parameters: JSON.stringify(run.parameters),
          timings: JSON.stringify(run.timings),
          ringCount: tracked.rings.length,
          counts: tracked.counts,
        },
      );
      const rings = tracked.rings.map((t) => ({
        ringId: t.ring.ringId,
        change: t.change,
        added: t.added,
        removed: t.removed,
        props: {
          family: t.ring.family,
          types: [t.ring.family, ...t.ring.supportingFamilies],
          score: t.ring.score,
          status: 'active',
          region: t.ring.region,
          periodStart: t.ring.period?.start ?? null,
          periodEnd: t.ring.period?.end ?? null,
          claimCount: t.ring.claimCount,
          totalAmount: t.ring.totalAmount,
          fundPaid: t.ring.fundPaid,
          memberCount: t.ring.members.length,
          keyPersons: JSON.stringify(t.ring.keyPersons),
          evidence: JSON.stringify(t.ring.evidence),
          // ranking feedback is kept apart from the evidence; null clears an earlier run's
          rankingFeedback: t.ring.rankingFeedback?.length ? JSON.stringify(t.ring.rankingFeedback) : null,
          detectorScore: t.ring.detectorScore ?? t.ring.score,
          lastRunId: run.runId,
        },
        claimIds: t.ring.claimIds,
      }));
      await tx.run(
        `MATCH (d:DetectionRun {runId: $runId})
         UNWIND $rings AS x
         MERGE (r:Ring {ringId: x.ringId})
         ON CREATE SET r.firstRunId = $runId, r.createdAt = datetime($finishedAt)
         SET r += x.props, r.updatedAt = datetime($finishedAt)
         CREATE (d)-[:FOUND {change: x.change, added: x.added, removed: x.removed, score: x.props.score, detectorScore: x.props.detectorScore, rankingFeedback: x.props.rankingFeedback, memberCount: x.props.memberCount, fundPaid: x.props.fundPaid}]->(r)
         WITH r, x
         OPTIONAL MATCH (r)-[old:HAS_MEMBER|EVIDENCED_BY]->()
         DELETE old`,
        { runId: run.runId, finishedAt: run.finishedAt, rings },
      );
      for (const [type, [label, key]] of Object.entries(LABEL_KEY)) {
        const members = tracked.rings.flatMap((t) => t.ring.members.filter((m) => m.type === type).map((m) => ({ ringId: t.ring.ringId, id: m.id, role: m.role, basis: m.basis ? JSON.stringify(m.basis) : null })));
        if (members.length === 0) continue;
        await tx.run(
          `UNWIND $members AS m
           MATCH (r:Ring {ringId: m.ringId})
           MATCH (e:${label} {${key}: m.id})
           CREATE (r)-[:HAS_MEMBER {role: m.role, basis: m.basis}]->(e)`,
          { members },
        );
      }
      await tx.run(
        `UNWIND $rings AS x
         MATCH (r:Ring {ringId: x.ringId})
         UNWIND x.claimIds AS claimId
         MATCH (c:Claim {claimId: claimId})
         CREATE (r)-[:EVIDENCED_BY]->(c)`,
        { rings: rings.map((r) => ({ ringId: r.ringId, claimIds: r.claimIds })) },
      );
      if (tracked.dissolved.length) {
        await tx.run(
          `MATCH (d:DetectionRun {runId: $runId})
           UNWIND $ids AS id
           MATCH (r:Ring {ringId: id})
           SET r.status = 'dissolved', r.dissolvedRunId = $runId, r.updatedAt = datetime($finishedAt)
           CREATE (d)-[:DISSOLVED]->(r)`,
          { runId: run.runId, ids: tracked.dissolved, finishedAt: run.finishedAt },
        );
      }
    });
  } finally {
    await session.close();
  }
}
