import { randomUUID } from 'node:crypto';
import neo4j, { type Driver } from 'neo4j-driver';
import { writeQuery } from '../auto-commit.ts';

/**
 * The audit trail: one AuditEvent node per login, read of personal data, case change and export.
 * This module only ever CREATEs events and reads them; nothing in RingLens updates or deletes one
 * (append-only by construction — see docs/api.md for what that does and does not guarantee).
 */
export const AUDIT_ACTIONS = [
  'login',
  'login-failed',
  'login-locked',
  'logout',
  'token-refresh',
  'personal-data-read',
  'case-create',
  'case-assign',
  'case-transition',
  'case-note',
  'case-view-save',
  'export-request',
  'export',
  'export-download',
  'run-trigger',
  'ingest-upload',
  'user-create',
  'user-update',
  'audit-read',
  'schedule-change',
  'schedule-run',
  'report-download',
  'rating-read',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEventInput {
  actor: string;
  role: string | null;
  action: AuditAction;
  /** what was touched, e.g. "ring:R-0001", "case:C-…", "person:3205…" */
  target: string | null;
  /** natural keys of the persons whose data was shown (capped), so "who looked at X" can be answered */
  subjects?: string[];
  outcome: 'success' | 'failure';
  ip: string | null;
  userAgent: string | null;
  method: string | null;
  path: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEvent extends Omit<AuditEventInput, 'details' | 'subjects'> {
  eventId: string;
  at: string;
  subjects: string[];
  subjectsTruncated: boolean;
  details: Record<string, unknown>;
}

export const MAX_SUBJECTS = 1_000;

/**
 * Neo4j left an audit write unanswered too long. Coded like neo4j-driver's own "server not there", so
 * callers treat it the same way (the API answers 503).
 */
export class AuditUnanswered extends Error {
  override name = 'AuditUnanswered';
  readonly code = 'ServiceUnavailable';
}

/**
 * How long one group commit may take before its events are given up on (their callers fail) and the
 * writer goes on with the next group. A commit on a connection Neo4j stopped serving (seen while it
 * starts up or shuts down) never finishes; without this every later event would queue behind it.
 */
const FLUSH_LIMIT_MS = 5_000;

function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuditUnanswered(message)), ms);
    timer.unref();
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

interface PendingEvent {
  params: Record<string, unknown>;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * Group commit: events that arrive while a write is in flight go together in the next transaction,
 * so 50 concurrent reads cost a handful of commits instead of 50, and each caller still waits until
 * its own event is durable before its response goes out. With no concurrency it is one write per
 * event, as before. Each group is one auto-commit query: one round trip instead of the three of a
 * managed transaction, which every waiting request would otherwise sit through.
 */
class AuditWriter {
  private queue: PendingEvent[] = [];
  private flushing = false;
  constructor(private readonly driver: Driver) {}

  append(params: Record<string, unknown>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ params, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        // MERGE on the unique eventId: writeQuery may run a batch again after a dropped connection,
        // and an event that did commit the first time is then left as it is (ON CREATE only).
        await within(writeQuery(this.driver,
          `UNWIND $events AS e
           MERGE (a:AuditEvent {eventId: e.eventId})
           ON CREATE SET a.at = datetime(e.at), a.actor = e.actor, a.role = e.role, a.action = e.action, a.target = e.target,
             a.subjects = e.subjects, a.subjectsTruncated = e.truncated, a.outcome = e.outcome, a.ip = e.ip, a.userAgent = e.userAgent,
             a.method = e.method, a.path = e.path, a.details = e.details`,
          { events: batch.map((b) => b.params) },
        ), FLUSH_LIMIT_MS, `an audit commit did not finish within ${FLUSH_LIMIT_MS} ms (Neo4j unavailable)`);
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    this.flushing = false;
  }
}

const writers = new WeakMap<Driver, AuditWriter>();

/**
 * Stores one event; resolves once it is durable. `waitMs` bounds the caller's wait (the API answers
 * within 3 s): past it the call fails with AuditUnanswered, and the event may still be stored later.
 */
export async function appendAudit(driver: Driver, e: AuditEventInput, opts: { waitMs?: number } = {}): Promise<string> {
  const eventId = randomUUID();
  const subjects = [...new Set(e.subjects ?? [])];
  let writer = writers.get(driver);
  if (!writer) writers.set(driver, (writer = new AuditWriter(driver)));
  const stored = writer.append({
    eventId,
    at: new Date().toISOString(),
    actor: e.actor,
    role: e.role,
    action: e.action,
    target: e.target,
    subjects: subjects.slice(0, MAX_SUBJECTS),
    truncated: subjects.length > MAX_SUBJECTS,
    outcome: e.outcome,
    ip: e.ip,
    userAgent: e.userAgent,
    method: e.method,
    path: e.path,
    details: JSON.stringify(e.details ?? {}),
  });
  await (opts.waitMs ? within(stored, opts.waitMs, `the audit event was not stored within ${opts.waitMs} ms (Neo4j unavailable)`) : stored);
  return eventId;
}

export interface AuditQuery {
  actor?: string | undefined;
  action?: AuditAction | undefined;
  target?: string | undefined;
  subject?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** (at, eventId) of the last event of the previous page; pages go newest first */
  after?: { at: string; eventId: string } | undefined;
  limit: number;
}

export async function queryAudit(driver: Driver, q: AuditQuery): Promise<AuditEvent[]> {
  const { records } = await driver.executeQuery(
    `MATCH (a:AuditEvent)
     WHERE ($actor IS NULL OR a.actor = $actor)
       AND ($action IS NULL OR a.action = $action)
       AND ($target IS NULL OR a.target = $target)
       AND ($subject IS NULL OR $subject IN a.subjects)
       AND ($since IS NULL OR a.at >= datetime($since))
       AND ($until IS NULL OR a.at < datetime($until))
       AND ($afterAt IS NULL OR a.at < datetime($afterAt) OR (a.at = datetime($afterAt) AND a.eventId < $afterId))
     RETURN a.eventId AS eventId, toString(a.at) AS at, a.actor AS actor, a.role AS role, a.action AS action, a.target AS target,
            coalesce(a.subjects, []) AS subjects, coalesce(a.subjectsTruncated, false) AS subjectsTruncated, a.outcome AS outcome,
            a.ip AS ip, a.userAgent AS userAgent, a.method AS method, a.path AS path, a.details AS details
     ORDER BY a.at DESC, a.eventId DESC
     LIMIT $limit`,
    {
      actor: q.actor ?? null,
      action: q.action ?? null,
      target: q.target ?? null,
      subject: q.subject ?? null,
      since: q.since ?? null,
      until: q.until ?? null,
      afterAt: q.after?.at ?? null,
      afterId: q.after?.eventId ?? null,
      limit: neo4j.int(q.limit),
    },
    { routing: 'READ' },
  );
  return records.map((r) => {
    const o = r.toObject() as AuditEvent & { details: string };
    return { ...o, details: JSON.parse(o.details || '{}') as Record<string, unknown> };
  });
}
