import { randomBytes, randomUUID } from 'node:crypto';
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import type { Role } from '../../access/roles.ts';
import { checkTransition, VERDICT_OF, type CaseStatus, type TransitionCheck } from '../../cases/workflow.ts';
import { FAMILY } from '../../exports/labels.ts';
import { displayNameOf } from '../users/users.ts';

/**
 * Cases in Neo4j: (:Case)-[:ABOUT]->(:Ring), and every change as a (:Case)-[:HAS_EVENT]->(:CaseEvent)
 * — the case's history. Writes lock the case (or, on creation, the ring) first, so two people acting
 * at once are serialised and each sees the other's result.
 */

export interface CaseEvent {
  eventId: string;
  at: string;
  actor: string;
  /** the actor's display name; null when no such user exists any more */
  actorName: string | null;
  kind: 'created' | 'assigned' | 'transition' | 'note';
  from: string | null;
  to: string | null;
  assignee: string | null;
  assigneeName: string | null;
  note: string | null;
  labels: string[];
}

export interface CaseRecord {
  caseId: string;
  title: string;
  status: CaseStatus;
  assignee: string | null;
  /** display names beside the usernames (people are shown by name, username second); null when the account is gone */
  assigneeName: string | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
  verdict: string | null;
  verdictLabels: string[];
  ring: { ringId: string; family: string; score: number; status: string; region: string | null; fundPaid: number | null };
}

export interface CaseDetail extends CaseRecord {
  history: CaseEvent[];
}

const CASE_FIELDS = `c.caseId AS caseId, c.title AS title, c.status AS status, c.assignee AS assignee, ${displayNameOf('c.assignee')} AS assigneeName,
  c.createdBy AS createdBy, ${displayNameOf('c.createdBy')} AS createdByName,
  toString(c.createdAt) AS createdAt, toString(c.updatedAt) AS updatedAt, c.verdict AS verdict, coalesce(c.verdictLabels, []) AS verdictLabels,
  {ringId: r.ringId, family: r.family, score: r.score, status: r.status, region: r.region, fundPaid: r.fundPaid} AS ring`;

export class CaseError extends Error {
  constructor(
    readonly kind: 'ring-not-found' | 'case-not-found' | 'open-case-exists' | 'assignee-invalid',
    message: string,
    readonly caseId?: string,
  ) {
    super(message);
    this.name = 'CaseError';
  }
}

export class TransitionRejected extends Error {
  constructor(
    readonly check: Exclude<TransitionCheck, { ok: true }>,
    readonly from: CaseStatus,
    readonly to: CaseStatus,
  ) {
    super(check.reason === 'invalid-transition' ? `a ${from} case cannot become ${to}` : `only ${check.roles.join(' or ')} may move a case from ${from} to ${to}`);
    this.name = 'TransitionRejected';
  }
}

/**
 * Case numbers carry the day the case was opened in Beijing (UTC+8, no daylight saving), the same
 * day the package prints as 立案日期: a case opened at 01:30 on 5 December is C-20261205-…, not
 * C-20261204-….
 */
export const newCaseId = (now = new Date()) => `C-${new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex').toUpperCase()}`;

/**
 * A case's events in the order they happened. Events written within the same millisecond (a quick
 * sequence of transitions) share their time, so each carries its place in the case's history (`seq`,
 * written under the case's lock); events from before `seq` existed fall back to their time.
 */
export function byCaseEventOrder(a: { seq?: number | null; atMs?: number | null }, b: { seq?: number | null; atMs?: number | null }): number {
  if (a.seq != null && b.seq != null) return a.seq - b.seq;
  return (a.atMs ?? 0) - (b.atMs ?? 0);
}

async function addEvent(tx: ManagedTransaction, caseId: string, e: Omit<CaseEvent, 'eventId' | 'at' | 'actorName' | 'assigneeName'>): Promise<void> {
  await tx.run(
    `MATCH (c:Case {caseId: $caseId})
     WITH c, COUNT { (c)-[:HAS_EVENT]->() } AS seq
     CREATE (c)-[:HAS_EVENT]->(:CaseEvent {eventId: $eventId, seq: seq, at: datetime(), actor: $actor, kind: $kind, from: $from, to: $to, assignee: $assignee, note: $note, labels: $labels})
     SET c.updatedAt = datetime()`,
    { caseId, eventId: randomUUID(), ...e },
  );
}

async function readCase(tx: ManagedTransaction, caseId: string): Promise<CaseRecord | null> {
  const res = await tx.run(`MATCH (c:Case {caseId: $caseId})-[:ABOUT]->(r:Ring) RETURN ${CASE_FIELDS}`, { caseId });
  return res.records[0] ? (res.records[0].toObject() as CaseRecord) : null;
}

async function checkAssignee(tx: ManagedTransaction, assignee: string): Promise<void> {
  const res = await tx.run(`MATCH (u:User {username: $assignee}) WHERE NOT coalesce(u.disabled, false) AND u.role IN ['investigator', 'supervisor'] RETURN count(u) AS n`, { assignee });
  if ((res.records[0]!.get('n') as number) === 0) throw new CaseError('assignee-invalid', `${assignee} is not an active investigator or supervisor`);
}

export async function createCase(driver: Driver, input: { ringId: string; title?: string | undefined; assignee?: string | undefined; note?: string | undefined; actor: string }): Promise<CaseRecord> {
  const session = driver.session();
  try {
    return await session.executeWrite(async (tx) => {
      // Locking the ring serialises concurrent creations for it: only one open case per ring.
      const ring = await tx.run(`MATCH (r:Ring {ringId: $ringId}) SET r.caseLock = coalesce(r.caseLock, 0) + 1 RETURN r.family AS family, r.region AS region, COLLECT { MATCH (g:Region {code: r.region}) RETURN g.name }[0] AS regionName`, { ringId: input.ringId });
      const first = ring.records[0];
      if (!first) throw new CaseError('ring-not-found', `no ring ${input.ringId}`);
      const open = await tx.run(`MATCH (c:Case)-[:ABOUT]->(:Ring {ringId: $ringId}) WHERE c.status <> 'closed' RETURN c.caseId AS caseId LIMIT 1`, { ringId: input.ringId });
      if (open.records[0]) {
        const caseId = open.records[0].get('caseId') as string;
        throw new CaseError('open-case-exists', `ring ${input.ringId} already has open case ${caseId}`, caseId);
      }
      if (input.assignee) await checkAssignee(tx, input.assignee);
      const caseId = newCaseId();
      // The default title is read by people (and printed in the package): the family and region in words, not codes.
      const family = first.get('family') as string;
      const where = (first.get('regionName') as string | null) ?? (first.get('region') as string | null);
      const title = input.title ?? `${FAMILY[family]?.zh ?? family}团伙 ${input.ringId}${where ? `（${where}）` : ''}`;
      await tx.run(
        `MATCH (r:Ring {ringId: $ringId})
         CREATE (c:Case {caseId: $caseId, title: $title, status: 'new', assignee: $assignee, createdBy: $actor, createdAt: datetime(), updatedAt: datetime(), verdict: null, verdictLabels: []})-[:ABOUT]->(r)`,
        { ringId: input.ringId, caseId, title, assignee: input.assignee ?? null, actor: input.actor },
      );
      await addEvent(tx, caseId, { actor: input.actor, kind: 'created', from: null, to: 'new', assignee: input.assignee ?? null, note: input.note ?? null, labels: [] });
      return (await readCase(tx, caseId))!;
    });
  } finally {
    await session.close();
  }
}

export async function getCase(driver: Driver, caseId: string): Promise<CaseDetail | null> {
  const { records } = await driver.executeQuery(
    `MATCH (c:Case {caseId: $caseId})-[:ABOUT]->(r:Ring)
     RETURN ${CASE_FIELDS},
       [(c)-[:HAS_EVENT]->(e:CaseEvent) | {eventId: e.eventId, at: toString(e.at), seq: e.seq, atMs: e.at.epochMillis, actor: e.actor, actorName: ${displayNameOf('e.actor')}, kind: e.kind, from: e.from, to: e.to,
          assignee: e.assignee, assigneeName: ${displayNameOf('e.assignee')}, note: e.note, labels: coalesce(e.labels, [])}] AS history`,
    { caseId },
    { routing: 'READ' },
  );
  if (!records[0]) return null;
  const o = records[0].toObject() as CaseDetail;
  const order = new Map((records[0].get('history') as { eventId: string; seq: unknown; atMs: unknown }[]).map((e) => [e.eventId, { seq: e.seq == null ? null : Number(e.seq), atMs: e.atMs == null ? null : Number(e.atMs) }]));
  o.history.sort((a, b) => byCaseEventOrder(order.get(a.eventId)!, order.get(b.eventId)!) || a.eventId.localeCompare(b.eventId));
  for (const e of o.history as (CaseEvent & { seq?: unknown; atMs?: unknown })[]) {
    delete e.seq;
    delete e.atMs;
  }
  return o;
}

export interface CaseFilters {
  statuses?: CaseStatus[] | undefined;
  assignee?: string | undefined;
  ringId?: string | undefined;
}

export async function listCases(driver: Driver, f: CaseFilters, after: [string, string] | undefined, limit: number): Promise<CaseRecord[]> {
  const { records } = await driver.executeQuery(
    `MATCH (c:Case)-[:ABOUT]->(r:Ring)
     WHERE ($statuses IS NULL OR c.status IN $statuses)
       AND ($assignee IS NULL OR c.assignee = $assignee)
       AND ($ringId IS NULL OR r.ringId = $ringId)
       AND ($afterAt IS NULL OR c.updatedAt < datetime($afterAt) OR (c.updatedAt = datetime($afterAt) AND c.caseId < $afterId))
     WITH c, r ORDER BY c.updatedAt DESC, c.caseId DESC LIMIT $limit
     RETURN ${CASE_FIELDS}`,
    { statuses: f.statuses?.length ? f.statuses : null, assignee: f.assignee ?? null, ringId: f.ringId ?? null, afterAt: after?.[0] ?? null, afterId: after?.[1] ?? null, limit: neo4j.int(limit) },
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as CaseRecord);
}

/** Runs `change` with the case locked; null when there is no such case. */
async function withLockedCase<T>(driver: Driver, caseId: string, change: (tx: ManagedTransaction, current: CaseRecord) => Promise<T>): Promise<T | null> {
  const session = driver.session();
  try {
    return await session.executeWrite(async (tx) => {
      const locked = await tx.run(`MATCH (c:Case {caseId: $caseId}) SET c.lock = coalesce(c.lock, 0) + 1 RETURN c.caseId AS id`, { caseId });
      if (!locked.records[0]) return null;
      return change(tx, (await readCase(tx, caseId))!);
    });
  } finally {
    await session.close();
  }
}

export async function assignCase(driver: Driver, caseId: string, assignee: string | null, actor: string): Promise<CaseRecord | null> {
  return withLockedCase(driver, caseId, async (tx, current) => {
    if (assignee) await checkAssignee(tx, assignee);
    await tx.run(`MATCH (c:Case {caseId: $caseId}) SET c.assignee = $assignee`, { caseId, assignee });
    await addEvent(tx, caseId, { actor, kind: 'assigned', from: current.assignee, to: assignee, assignee, note: null, labels: [] });
    return (await readCase(tx, caseId))!;
  });
}

/**
 * Moves a case along the workflow. Confirming or dismissing records the verdict on the case and on
 * the ring (Ring.verdict, Ring.verdictLabels), where ranking can learn from it.
 */
export async function transitionCase(
  driver: Driver,
  caseId: string,
  input: { to: CaseStatus; actor: string; role: Role; note?: string | undefined; labels?: string[] | undefined },
): Promise<CaseRecord | null> {
  return withLockedCase(driver, caseId, async (tx, current) => {
    const check = checkTransition(current.status, input.to, input.role);
    if (!check.ok) throw new TransitionRejected(check, current.status, input.to);
    const verdict = VERDICT_OF[input.to] ?? null;
    await tx.run(
      `MATCH (c:Case {caseId: $caseId})-[:ABOUT]->(r:Ring)
       SET c.status = $to
       FOREACH (_ IN CASE WHEN $verdict IS NULL THEN [] ELSE [1] END |
         SET c.verdict = $verdict, c.verdictLabels = $labels, r.verdict = $verdict, r.verdictLabels = $labels, r.verdictAt = datetime(), r.verdictCaseId = $caseId)`,
      { caseId, to: input.to, verdict, labels: input.labels ?? [] },
    );
    await addEvent(tx, caseId, { actor: input.actor, kind: 'transition', from: current.status, to: input.to, assignee: current.assignee, note: input.note ?? null, labels: input.labels ?? [] });
    return (await readCase(tx, caseId))!;
  });
}

export async function addCaseNote(driver: Driver, caseId: string, note: string, actor: string): Promise<CaseRecord | null> {
  return withLockedCase(driver, caseId, async (tx, current) => {
    await addEvent(tx, caseId, { actor, kind: 'note', from: null, to: null, assignee: current.assignee, note, labels: [] });
    return (await readCase(tx, caseId))!;
  });
}

/** The people a case may be assigned to (checkAssignee's rule): active investigators and supervisors. */
export async function listAssignees(driver: Driver): Promise<{ username: string; displayName: string; role: 'investigator' | 'supervisor' }[]> {
  const { records } = await driver.executeQuery(
    `MATCH (u:User) WHERE NOT coalesce(u.disabled, false) AND u.role IN ['investigator', 'supervisor']
     RETURN u.username AS username, coalesce(u.displayName, u.username) AS displayName, u.role AS role ORDER BY u.role, u.displayName, u.username`,
    {},
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as { username: string; displayName: string; role: 'investigator' | 'supervisor' });
}

export interface CaseFigures {
  /** the window the movements are counted over: [from, to) as ISO instants */
  from: string;
  to: string;
  opened: number;
  confirmed: number;
  dismissed: number;
  referred: number;
  closed: number;
  /** at `to`: cases not closed, and of those the undecided ones opened more than `overdueDays` ago, and the unassigned ones */
  open: number;
  overdue: number;
  unassigned: number;
  overdueDays: number;
}

/**
 * The case workflow in figures for a report: cases opened and moved to each decision in [from, to)
 * (from the case histories, so a case confirmed and then referred counts in both), and the state of
 * the caseload at `to` — reconstructed from the histories, so a report built later for an earlier
 * window gives the same numbers.
 */
export async function caseFigures(driver: Driver, fromIso: string, toIso: string, overdueDays: number): Promise<CaseFigures> {
  const { records } = await driver.executeQuery(
    `WITH datetime($from) AS from, datetime($to) AS to
     OPTIONAL MATCH (c:Case)-[:HAS_EVENT]->(e:CaseEvent) WHERE e.at >= from AND e.at < to AND (e.kind = 'created' OR e.kind = 'transition')
     WITH from, to, e
     WITH from, to,
       count(CASE WHEN e.kind = 'created' THEN 1 END) AS opened,
       count(CASE WHEN e.kind = 'transition' AND e.to = 'confirmed' THEN 1 END) AS confirmed,
       count(CASE WHEN e.kind = 'transition' AND e.to = 'dismissed' THEN 1 END) AS dismissed,
       count(CASE WHEN e.kind = 'transition' AND e.to = 'referred' THEN 1 END) AS referred,
       count(CASE WHEN e.kind = 'transition' AND e.to = 'closed' THEN 1 END) AS closed
     OPTIONAL MATCH (c:Case) WHERE c.createdAt < to
     WITH from, to, opened, confirmed, dismissed, referred, closed, c,
       COLLECT { MATCH (c)-[:HAS_EVENT]->(s:CaseEvent) WHERE s.at < to AND s.to IS NOT NULL AND (s.kind = 'created' OR s.kind = 'transition')
                 RETURN s.to ORDER BY s.at DESC, coalesce(s.seq, 0) DESC LIMIT 1 }[0] AS status,
       COLLECT { MATCH (c)-[:HAS_EVENT]->(a:CaseEvent) WHERE a.at < to AND (a.kind = 'created' OR a.kind = 'assigned')
                 RETURN a.assignee ORDER BY a.at DESC, coalesce(a.seq, 0) DESC LIMIT 1 }[0] AS assignee
     RETURN opened, confirmed, dismissed, referred, closed,
       count(CASE WHEN c IS NOT NULL AND status <> 'closed' THEN 1 END) AS open,
       count(CASE WHEN c IS NOT NULL AND status IN ['new', 'investigating'] AND c.createdAt < to - duration({days: $overdueDays}) THEN 1 END) AS overdue,
       count(CASE WHEN c IS NOT NULL AND status <> 'closed' AND assignee IS NULL THEN 1 END) AS unassigned`,
    { from: fromIso, to: toIso, overdueDays: neo4j.int(overdueDays) },
    { routing: 'READ' },
  );
  const r = records[0]!;
  const n = (k: string) => Number(r.get(k));
  return { from: fromIso, to: toIso, opened: n('opened'), confirmed: n('confirmed'), dismissed: n('dismissed'), referred: n('referred'), closed: n('closed'), open: n('open'), overdue: n('overdue'), unassigned: n('unassigned'), overdueDays };
}
