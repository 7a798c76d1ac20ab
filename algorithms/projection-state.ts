import {
  ClaimSetBuilder,
  type CardRecord,
  type ClaimRecord,
  type DoctorRecord,
  type InstitutionRecord,
  type ItemRecord,
  type PersonRecord,
} from './claim-set-builder.ts';
import { GENDER, INSTITUTION_KINDS, UNKNOWN_DAY, dateOfDay, type ClaimSet } from './claim-set.ts';

/**
 * A projection with what it takes to continue it later: the ClaimSet, the store's node id of every row
 * (tables and claims are in node-id order, the order a label scan returns them), the keys the ClaimSet
 * holds only as indices, and the traceability codes settled more than once with all their claims (by
 * node id, in the set or not). `mergeDelta` applies what changed since and gives exactly the state a
 * full projection would build now — the same rows in the same order, every dictionary in the order
 * the builder would have interned it — or says why it cannot.
 */

export const REFERENCE_TABLES = ['institutions', 'doctors', 'items', 'persons', 'cards'] as const;
export type ReferenceTable = (typeof REFERENCE_TABLES)[number];

export interface TraceEntry {
  /** node id of the TraceCode */
  node: number;
  code: string;
  /** node ids of the claims that dispensed it, one per DISPENSED relationship */
  claims: number[];
}

export interface ProjectionState {
  set: ClaimSet;
  households: string[];
  addresses: string[];
  /** 1 where a diagnosis's claims did not all carry the name kept (the first claim's) */
  diagnosisVaried: Uint8Array;
  nodes: Record<ReferenceTable | 'claims', Float64Array>;
  trace: TraceEntry[];
}

export interface ReferenceRecords {
  regions: { code: string; name: string | null }[];
  institutions: InstitutionRecord[];
  doctors: DoctorRecord[];
  items: ItemRecord[];
  persons: PersonRecord[];
  cards: CardRecord[];
}

export type RecordOf<T extends ReferenceTable> = ReferenceRecords[T][number];

/** Feeds reference records to a builder in the order a projection reads them. */
export function addReference(b: ClaimSetBuilder, r: ReferenceRecords): void {
  for (const g of r.regions) b.region(g.code, g.name);
  for (const x of r.institutions) b.institution(x);
  for (const x of r.doctors) b.doctor(x);
  for (const x of r.items) b.item(x);
  for (const x of r.persons) b.person(x);
  for (const x of r.cards) b.card(x);
}

const LEVELS = [null, 'primary', 'secondary', 'tertiary'] as const;
const genderCode = (g: number) => (g === GENDER.male ? 'M' : g === GENDER.female ? 'F' : null);

/** The records that build a state's reference tables again (the builder's own transformation, inverted). */
export function referenceRecords(s: ProjectionState): ReferenceRecords {
  const set = s.set;
  const region = (i: number) => (i >= 0 ? set.regions.code[i]! : null);
  const inst = set.institutions;
  const doc = set.doctors;
  const it = set.items;
  const p = set.persons;
  return {
    regions: set.regions.code.map((code, i) => ({ code, name: set.regions.name[i]! })),
    institutions: inst.id.map((id, i) => ({
      id,
      name: inst.name[i]!,
      kind: INSTITUTION_KINDS[inst.kind[i]!] ?? null,
      level: LEVELS[inst.level[i]!] ?? null,
      region: region(inst.region[i]!),
      lat: Number.isNaN(inst.lat[i]!) ? null : inst.lat[i]!,
      lon: Number.isNaN(inst.lon[i]!) ? null : inst.lon[i]!,
    })),
    doctors: doc.id.map((id, i) => ({ id, name: doc.name[i]!, institutionId: doc.institution[i]! >= 0 ? inst.id[doc.institution[i]!]! : null, department: doc.department[i]! })),
    items: it.id.map((id, i) => ({
      id,
      name: it.name[i]!,
      category: it.category[i]!,
      gender: genderCode(it.gender[i]!),
      minAge: it.minAge[i]! >= 0 ? it.minAge[i]! : null,
      maxAge: it.maxAge[i]! >= 0 ? it.maxAge[i]! : null,
      minLevel: LEVELS[it.minLevel[i]!] ?? null,
    })),
    persons: p.id.map((id, i) => ({
      id,
      name: p.name[i]!,
      gender: genderCode(p.gender[i]!),
      birthDate: p.birthDay[i]! === UNKNOWN_DAY ? null : dateOfDay(p.birthDay[i]!),
      householdId: p.household[i]! >= 0 ? s.households[p.household[i]!]! : null,
      address: p.address[i]! >= 0 ? s.addresses[p.address[i]!]! : null,
      region: region(p.region[i]!),
    })),
    cards: set.cards.id.map((id, i) => ({ id, holderId: set.cards.holder[i]! >= 0 ? p.id[set.cards.holder[i]!]! : null })),
  };
}

export interface ChangedClaim {
  node: number;
  record: ClaimRecord;
  /** inside the projection's scope now; a claim corrected out of it leaves the set */
  inScope: boolean;
}

export interface Delta {
  /** the Region table, read whole (a handful of rows) */
  regions: { code: string; name: string | null }[];
  /** entities written since the snapshot, each with its node id */
  changed: { [T in ReferenceTable]: { node: number; record: RecordOf<T> }[] };
  /** claims written since the snapshot (in node-id order) */
  claims: ChangedClaim[];
  /** trace codes settled more than once that a changed claim dispensed, whole */
  trace: TraceEntry[];
  /** claims to keep (a sliding window drops those it has left behind); all when absent */
  keep?: (t: number) => boolean;
}

export type MergeResult = { state: ProjectionState } | { fallback: string };

/** Index of `node` in the ascending `nodes`, or −1. */
export function findNode(nodes: Float64Array, node: number): number {
  let lo = 0;
  let hi = nodes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = nodes[mid]!;
    if (v === node) return mid;
    if (v < node) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

class Fallback extends Error {}

/** Applies changed rows to a table in node order: replaced in place, new ones appended (a new node below the last one means the store reused ids). */
function mergeTable<R>(rows: R[], nodes: Float64Array, changed: { node: number; record: R }[], name: string): { rows: R[]; nodes: Float64Array } {
  if (!changed.length) return { rows, nodes };
  const out = rows.slice();
  const fresh = new Map<number, R>();
  const last = nodes.length ? nodes[nodes.length - 1]! : -1;
  for (const c of changed) {
    const at = findNode(nodes, c.node);
    if (at >= 0) out[at] = c.record;
    else if (c.node > last) fresh.set(c.node, c.record);
    else throw new Fallback(`${name}: node ${c.node} is new but lies below the snapshot's last node ${last} (ids reused)`);
  }
  const extra = [...fresh.keys()].sort((a, z) => a - z);
  for (const n of extra) out.push(fresh.get(n)!);
  const merged = new Float64Array(nodes.length + extra.length);
  merged.set(nodes);
  merged.set(extra, nodes.length);
  return { rows: out, nodes: merged };
}

function samePrefix(before: readonly string[], after: readonly string[]): boolean {
  if (after.length < before.length) return false;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) return false;
  return true;
}

/**
 * The state a full projection would build now from the snapshot `s` and what changed since. The
 * reference tables are rebuilt from their records (snapshot rows, changed ones replaced, new ones
 * appended) by the same builder a full projection uses; claims are copied column by column, changed
 * ones built from their records, in node order.
 */
export function mergeDelta(s: ProjectionState, d: Delta): MergeResult {
  try {
    return { state: merge(s, d) };
  } catch (e) {
    if (e instanceof Fallback) return { fallback: e.message };
    throw e;
  }
}

function merge(s: ProjectionState, d: Delta): ProjectionState {
  const old = referenceRecords(s);
  const nodes = { ...s.nodes };
  const records: ReferenceRecords = { ...old, regions: d.regions };
  for (const t of REFERENCE_TABLES) {
    const m = mergeTable<RecordOf<typeof t>>(old[t] as RecordOf<typeof t>[], s.nodes[t], d.changed[t] as { node: number; record: RecordOf<typeof t> }[], t);
    (records as unknown as Record<string, unknown>)[t] = m.rows;
    nodes[t] = m.nodes;
  }
  const b = new ClaimSetBuilder(s.set.claims.count + d.claims.length, { uniqueClaims: true });
  addReference(b, records);

  // Claims: the snapshot's in node order with changed ones replaced or dropped, new ones appended.
  const changedAt = new Map<number, ChangedClaim>();
  const appended: ChangedClaim[] = [];
  const lastClaim = s.nodes.claims.length ? s.nodes.claims[s.nodes.claims.length - 1]! : -1;
  for (const c of d.claims) {
    const at = findNode(s.nodes.claims, c.node);
    if (at >= 0) changedAt.set(at, c);
    else if (c.node > lastClaim) {
      if (c.inScope) appended.push(c);
    } else {
      // A claim below the last node that the snapshot does not hold: new with a reused id, or one that
      // was outside the scope and has been corrected into it. Either way it belongs mid-sequence.
      if (c.inScope) throw new Fallback(`claim node ${c.node} enters the set below the snapshot's last claim`);
    }
  }
  appended.sort((a, z) => a.node - z.node);
  const set = s.set;
  // The name a diagnosis kept is its first claim's; when a copied claim becomes a code's first, its own
  // name is that name only if the snapshot's claims of the code all carried it, or if it was the first.
  const firstOf = new Int32Array(set.diagnoses.code.length).fill(-1);
  for (let i = 0; i < set.claims.count; i++) {
    const dx = set.claims.diagnosis[i]!;
    if (dx >= 0 && firstOf[dx] === -1) firstOf[dx] = i;
  }
  const diagnosisName = (srcDx: number, claim: number, first: boolean) => {
    const varied = s.diagnosisVaried[srcDx] === 1;
    if (first && varied && firstOf[srcDx] !== claim) throw new Fallback(`diagnosis ${set.diagnoses.code[srcDx]}: its claims carry several names and the first one changed`);
    return { name: set.diagnoses.name[srcDx]!, varied: varied && firstOf[srcDx] !== claim };
  };
  const keep = d.keep ?? (() => true);
  const claimNodes: number[] = [];
  for (let i = 0; i < set.claims.count; i++) {
    const c = changedAt.get(i);
    if (c) {
      if (c.inScope && keep(c.record.settledAt)) {
        b.claim(c.record);
        claimNodes.push(c.node);
      }
    } else if (keep(set.claims.t[i]!)) {
      b.copyClaim(set, i, diagnosisName);
      claimNodes.push(s.nodes.claims[i]!);
    }
  }
  for (const c of appended) {
    if (!keep(c.record.settledAt)) continue;
    b.claim(c.record);
    claimNodes.push(c.node);
  }
  nodes.claims = Float64Array.from(claimNodes);

  // Trace codes: the snapshot's entries, those a changed claim dispensed replaced, in node order.
  const byNode = new Map(s.trace.map((e) => [e.node, e]));
  for (const e of d.trace) byNode.set(e.node, e);
  const trace = [...byNode.values()].sort((a, z) => a.node - z.node);
  for (const e of trace) b.traceCodeAt(e.code, claimIndices(nodes.claims, e.claims));

  const built = b.build();
  // Claims were copied with their entity indices: the tables must have kept every row where it was.
  for (const t of REFERENCE_TABLES) {
    if (!samePrefix(set[t].id, built[t].id)) throw new Fallback(`${t}: rows moved`);
  }
  const extras = b.extras();
  return { set: built, households: extras.households, addresses: extras.addresses, diagnosisVaried: extras.diagnosisVaried, nodes, trace };
}

/** Claim indices of trace-code claims given by node id (those not in the set left out). */
export function claimIndices(claimNodes: Float64Array, nodes: readonly number[]): number[] {
  const out: number[] = [];
  for (const n of nodes) {
    const i = findNode(claimNodes, n);
    if (i >= 0) out.push(i);
  }
  return out;
}
