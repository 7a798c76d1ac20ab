import { createHash } from 'node:crypto';
import neo4j, { type Driver } from 'neo4j-driver';

/**
 * Reports and their deliveries in Neo4j, the system of record. A report is keyed by (schedule,
 * period): `reportId` is derived from both and unique, so whatever fires twice, retries or recovers
 * from a dead worker, one period has one Report node and one set of files. Files are stored as byte
 * arrays on ReportFile nodes: an API on another machine than the worker that rendered them can serve
 * them without a shared file system.
 */

export type ReportFormat = 'html' | 'pdf' | 'json';
export const CONTENT_TYPES: Record<ReportFormat, string> = { html: 'text/html; charset=utf-8', pdf: 'application/pdf', json: 'application/json; charset=utf-8' };

export const reportIdFor = (scheduleId: string, periodKey: string) => `${scheduleId}--${periodKey}`;

export interface ReportSummary {
  reportId: string;
  scheduleId: string;
  periodKey: string;
  periodUnit: string;
  title: string;
  lang: string;
  status: 'building' | 'ready';
  firedAt: string | null;
  createdAt: string | null;
  readyAt: string | null;
  runId: string | null;
  baselineRunId: string | null;
  counts: { active: number; new: number; grown: number; shrunk: number; dissolved: number } | null;
  fundAtRisk: number | null;
  formats: ReportFormat[];
  /** how many times the report job came here for this period (> 1: a repeated fire or a retry) */
  claims: number;
}

const SUMMARY = `r.reportId AS reportId, r.scheduleId AS scheduleId, r.periodKey AS periodKey, r.periodUnit AS periodUnit, r.title AS title,
  r.lang AS lang, r.status AS status, toString(r.firedAt) AS firedAt, toString(r.createdAt) AS createdAt, toString(r.readyAt) AS readyAt,
  r.runId AS runId, r.baselineRunId AS baselineRunId,
  CASE WHEN r.status = 'ready' THEN {active: r.activeRings, new: r.newRings, grown: r.grownRings, shrunk: r.shrunkRings, dissolved: r.dissolvedRings} END AS counts,
  r.fundAtRisk AS fundAtRisk, [(r)-[:HAS_FILE]->(f) | f.format] AS formats, coalesce(r.claims, 0) AS claims`;

/**
 * Takes the period: creates the Report node (status building) or finds it. Returns the stored summary;
 * status 'ready' tells the caller the period is done and nothing may be produced again.
 */
export async function claimReport(
  driver: Driver,
  r: { reportId: string; scheduleId: string; periodKey: string; periodUnit: string; title: string; lang: string; firedAt: string },
): Promise<ReportSummary> {
  const { records } = await driver.executeQuery(
    `MERGE (r:Report {reportId: $reportId})
     ON CREATE SET r.scheduleId = $scheduleId, r.periodKey = $periodKey, r.periodUnit = $periodUnit, r.title = $title, r.lang = $lang,
                   r.status = 'building', r.firedAt = datetime($firedAt), r.createdAt = datetime()
     SET r.claims = coalesce(r.claims, 0) + 1
     RETURN ${SUMMARY}`,
    r,
  );
  return records[0]!.toObject() as ReportSummary;
}

export interface RenderedFile {
  format: ReportFormat;
  bytes: Buffer;
}

/**
 * Stores the rendered files and marks the report ready, in one transaction, only if it is not ready
 * yet: of two writers racing for one period (a worker thought dead that was only slow) one stores
 * and the other is told it lost. Returns whether this call stored the report.
 */
export async function completeReport(
  driver: Driver,
  reportId: string,
  data: { runId: string | null; baselineRunId: string | null; counts: ReportSummary['counts'] & object; fundAtRisk: number },
  files: RenderedFile[],
): Promise<boolean> {
  const session = driver.session();
  try {
    return await session.executeWrite(async (tx) => {
      // Taking the write lock on the node first serialises racing writers; the second sees 'ready'.
      const lock = await tx.run(`MATCH (r:Report {reportId: $reportId}) SET r._lock = coalesce(r._lock, 0) + 1 RETURN r.status AS status`, { reportId });
      const status = lock.records[0]?.get('status') as string | undefined;
      if (status === undefined) throw new Error(`report ${reportId} does not exist: claimReport must run first`);
      if (status === 'ready') return false;
      await tx.run(
        `MATCH (r:Report {reportId: $reportId})
         SET r.status = 'ready', r.readyAt = datetime(), r.runId = $runId, r.baselineRunId = $baselineRunId,
             r.activeRings = $counts.active, r.newRings = $counts.new, r.grownRings = $counts.grown, r.shrunkRings = $counts.shrunk,
             r.dissolvedRings = $counts.dissolved, r.fundAtRisk = $fundAtRisk
         WITH r
         UNWIND $files AS f
         CREATE (r)-[:HAS_FILE]->(:ReportFile {format: f.format, contentType: f.contentType, size: f.size, sha256: f.sha256, content: f.content})`,
        {
          reportId,
          ...data,
          files: files.map((f) => ({
            format: f.format,
            contentType: CONTENT_TYPES[f.format],
            size: neo4j.int(f.bytes.length),
            sha256: createHash('sha256').update(f.bytes).digest('hex'),
            content: new Int8Array(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length),
          })),
        },
      );
      return true;
    });
  } finally {
    await session.close();
  }
}

export async function getReport(driver: Driver, reportId: string): Promise<ReportSummary | null> {
  const { records } = await driver.executeQuery(`MATCH (r:Report {reportId: $reportId}) RETURN ${SUMMARY}`, { reportId }, { routing: 'READ' });
  return (records[0]?.toObject() as ReportSummary | undefined) ?? null;
}

export async function listReports(driver: Driver, opts: { scheduleId?: string | undefined; after?: [string, string] | undefined; limit: number }): Promise<ReportSummary[]> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Report) WHERE ($scheduleId IS NULL OR r.scheduleId = $scheduleId)
       AND ($afterAt IS NULL OR r.createdAt < datetime($afterAt) OR (r.createdAt = datetime($afterAt) AND r.reportId < $afterId))
     WITH r ORDER BY r.createdAt DESC, r.reportId DESC LIMIT $limit
     RETURN ${SUMMARY}`,
    { scheduleId: opts.scheduleId ?? null, afterAt: opts.after?.[0] ?? null, afterId: opts.after?.[1] ?? null, limit: neo4j.int(opts.limit) },
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as ReportSummary);
}

export async function getReportFile(driver: Driver, reportId: string, format: ReportFormat): Promise<{ bytes: Buffer; contentType: string; sha256: string; periodKey: string; scheduleId: string } | null> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Report {reportId: $reportId})-[:HAS_FILE]->(f:ReportFile {format: $format})
     RETURN f.content AS content, f.contentType AS contentType, f.sha256 AS sha256, r.periodKey AS periodKey, r.scheduleId AS scheduleId`,
    { reportId, format },
    { routing: 'READ' },
  );
  const r = records[0];
  if (!r) return null;
  const content = r.get('content') as Int8Array;
  return { bytes: Buffer.from(content.buffer, content.byteOffset, content.byteLength), contentType: r.get('contentType'), sha256: r.get('sha256'), periodKey: r.get('periodKey'), scheduleId: r.get('scheduleId') };
}

// ---- deliveries -------------------------------------------------------------------------------

export interface DeliveryRecord {
  deliveryId: string;
  channel: string;
  target: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  /** the receiver's answer (HTTP status, SMTP response) */
  response: string | null;
}

/** deliveryId: one per (report, channel) — the idempotency key a receiver also gets. */
export const deliveryIdFor = (reportId: string, channel: string) => `${reportId}--${channel}`;

export async function startDelivery(driver: Driver, reportId: string, deliveryId: string, channel: string, target: string): Promise<DeliveryRecord> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Report {reportId: $reportId})
     MERGE (d:Delivery {deliveryId: $deliveryId})
     ON CREATE SET d.channel = $channel, d.target = $target, d.status = 'pending', d.attempts = 0, d.createdAt = datetime()
     MERGE (r)-[:DELIVERED_AS]->(d)
     RETURN d.deliveryId AS deliveryId, d.channel AS channel, d.target AS target, d.status AS status, d.attempts AS attempts,
            d.lastError AS lastError, toString(d.lastAttemptAt) AS lastAttemptAt, toString(d.deliveredAt) AS deliveredAt, d.response AS response`,
    { reportId, deliveryId, channel, target },
  );
  return records[0]!.toObject() as DeliveryRecord;
}

export async function recordDeliveryAttempt(driver: Driver, deliveryId: string, outcome: { ok: true; response: string } | { ok: false; error: string; final: boolean }): Promise<void> {
  await driver.executeQuery(
    `MATCH (d:Delivery {deliveryId: $deliveryId})
     SET d.attempts = d.attempts + 1, d.lastAttemptAt = datetime(),
         d.status = CASE WHEN $ok THEN 'delivered' WHEN $final THEN 'failed' ELSE 'pending' END,
         d.deliveredAt = CASE WHEN $ok THEN datetime() ELSE d.deliveredAt END,
         d.response = CASE WHEN $ok THEN $response ELSE d.response END,
         d.lastError = CASE WHEN $ok THEN d.lastError ELSE $error END`,
    { deliveryId, ok: outcome.ok, final: outcome.ok ? false : outcome.final, response: outcome.ok ? outcome.response : null, error: outcome.ok ? null : outcome.error.slice(0, 1000) },
  );
}

export async function listDeliveries(driver: Driver, reportId: string): Promise<DeliveryRecord[]> {
  const { records } = await driver.executeQuery(
    `MATCH (:Report {reportId: $reportId})-[:DELIVERED_AS]->(d:Delivery)
     RETURN d.deliveryId AS deliveryId, d.channel AS channel, d.target AS target, d.status AS status, d.attempts AS attempts,
            d.lastError AS lastError, toString(d.lastAttemptAt) AS lastAttemptAt, toString(d.deliveredAt) AS deliveredAt, d.response AS response
     ORDER BY deliveryId`,
    { reportId },
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as DeliveryRecord);
}
