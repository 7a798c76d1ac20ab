import {
  ClaimSetBuilder,
  type EntityRemap,
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

/**
 * Applies changed rows to a table in node order: changed rows replaced in place, new ones placed at
 * their node's position — after the last row as a rule, between rows when the store handed out an id
 * it had freed (after deletes, or one a bulk load left unused). Rows past `nodes` are entities only
 * something else names (a card's holder without a Person node): where new rows come in they are left
 * to the builder, which interns them again where a full build does. A changed row whose node now holds
 * another key means the old entity was deleted and its id reused: the general case of deletes, which
 * needs a full projection.
 */
function mergeTable<R extends { id: string }>(rows: R[], nodes: Float64Array, changed: { node: number; record: R }[], name: string): { rows: R[]; nodes: Float64Array } {
  if (!changed.length) return { rows, nodes };
  const own = nodes.length;
  const out = rows.slice();
  const fresh = new Map<number, R>();
  for (const c of changed) {
    const at = findNode(nodes, c.node);
    if (at >= 0) {
      if (out[at]!.id !== c.record.id) throw new Fallback(`${name}: node ${c.node} now holds ${c.record.id}, not ${out[at]!.id} (deleted, its id reused)`);
      out[at] = c.record;
    } else fresh.set(c.node, c.record);
  }
  if (!fresh.size) return { rows: out, nodes };
  const extra = [...fresh.keys()].sort((a, z) => a - z);
  const merged: R[] = [];
  const mergedNodes = new Float64Array(own + extra.length);
  for (let i = 0, k = 0, p = 0; i < own || k < extra.length; p++) {
    if (k < extra.length && (i >= own || extra[k]! < nodes[i]!)) {
      mergedNodes[p] = extra[k]!;
      merged.push(fresh.get(extra[k++]!)!);
    } else {
      mergedNodes[p] = nodes[i]!;
      merged.push(out[i++]!);
    }
  }
  return { rows: merged, nodes: mergedNodes };
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

function sameRegions(set: ClaimSet, regions: Delta['regions']): boolean {
  // The builder interns Region rows first; other codes (persons', institutions') follow them.
  if (regions.length > set.regions.code.length) return false;
  return regions.every((g, i) => set.regions.code[i] === g.code && set.regions.name[i] === (g.name ?? set.regions.name[i]));
}

function merge(s: ProjectionState, d: Delta): ProjectionState {
  // Nothing written since, nothing left behind by the window: the snapshot is the projection.
  const keepAll = !d.keep || s.set.claims.t.every((t) => d.keep!(t));
  const tablesSame = REFERENCE_TABLES.every((t) => !d.changed[t].length) && sameRegions(s.set, d.regions);
  if (!d.claims.length && !d.trace.length && tablesSame && keepAll) return s;
  if (tablesSame && keepAll) {
    const patched = patch(s, d);
    if (patched) return patched;
  }
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
  // Copied claims name entities by the snapshot's indices: where a table's rows are no longer a prefix
  // of what the builder holds now (a row placed between others), they are translated by key.
  const remap: EntityRemap = {};
  for (const t of REFERENCE_TABLES) {
    const before = s.set[t].id;
    if (samePrefix(before, b.tableKeys(t))) continue;
    const r = new Int32Array(before.length);
    for (let i = 0; i < before.length; i++) {
      const at = b.indexOf(t, before[i]!);
      if (at === undefined) throw new Fallback(`${t}: ${before[i]} has no row any more`);
      r[i] = at;
    }
    remap[t] = r;
  }
  const remapped = Object.keys(remap).length ? remap : undefined;

  // Claims: the snapshot's in node order with changed ones replaced or dropped, new ones appended.
  // Claims the snapshot does not hold enter at their node's place: new ones (a store may hand out ids
  // below its last claim's, as one written by the bulk importer does) and ones corrected into the scope.
  const changedAt = new Map<number, ChangedClaim>();
  const appended: ChangedClaim[] = [];
  for (const c of d.claims) {
    const at = findNode(s.nodes.claims, c.node);
    if (at >= 0) changedAt.set(at, c);
    else if (c.inScope) appended.push(c);
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
  let next = 0;
  const enter = (below: number) => {
    for (; next < appended.length && appended[next]!.node < below; next++) {
      const c = appended[next]!;
      if (!keep(c.record.settledAt)) continue;
      b.claim(c.record);
      claimNodes.push(c.node);
    }
  };
  for (let i = 0; i < set.claims.count; i++) {
    enter(s.nodes.claims[i]!);
    const c = changedAt.get(i);
    if (c) {
      if (c.inScope && keep(c.record.settledAt)) {
        b.claim(c.record);
        claimNodes.push(c.node);
      }
    } else if (keep(set.claims.t[i]!)) {
      b.copyClaim(set, i, diagnosisName, remapped);
      claimNodes.push(s.nodes.claims[i]!);
    }
  }
  enter(Infinity);
  nodes.claims = Float64Array.from(claimNodes);

  // Trace codes: the snapshot's entries, those a changed claim dispensed replaced, in node order.
  const byNode = new Map(s.trace.map((e) => [e.node, e]));
  for (const e of d.trace) byNode.set(e.node, e);
  const trace = [...byNode.values()].sort((a, z) => a.node - z.node);
  for (const e of trace) b.traceCodeAt(e.code, claimIndices(nodes.claims, e.claims));

  const built = b.build();
  // Claims were copied with their entity indices, translated where a table's rows moved: each must name
  // the same key as before.
  for (const t of REFERENCE_TABLES) {
    const r = remap[t];
    if (!r && !samePrefix(set[t].id, built[t].id)) throw new Fallback(`${t}: rows moved`);
    if (r) for (let i = 0; i < r.length; i++) if (built[t].id[r[i]!] !== set[t].id[i]) throw new Fallback(`${t}: rows moved`);
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

type Column = Float64Array | Float32Array | Int32Array | Uint8Array;

/**
 * The common night: reference tables untouched, a day of new claims and a few corrections, nothing
 * left behind. Columns are copied whole and patched, instead of rebuilding the set claim by claim;
 * each changed claim is encoded by `ClaimSetBuilder.claim` itself (a one-claim builder over the same
 * tables), so the encoding cannot drift from a full build. Undefined when a change needs the general
 * merge (a claim leaving the set, an entity without a row).
 */
function patch(s: ProjectionState, d: Delta): ProjectionState | undefined {
  const set = s.set;
  const c = set.claims;
  const n = c.count;
  const inPlace: { at: number; c: ChangedClaim }[] = [];
  const appended: ChangedClaim[] = [];
  for (const x of d.claims) {
    const at = findNode(s.nodes.claims, x.node);
    if (at >= 0) {
      if (!x.inScope || (d.keep && !d.keep(x.record.settledAt))) return undefined;
      inPlace.push({ at, c: x });
    } else if (x.inScope && (!d.keep || d.keep(x.record.settledAt))) appended.push(x);
  }
  appended.sort((a, z) => a.node - z.node);
  // Encode the changed claims with the builder over the same entity dictionaries.
  const one = new ClaimSetBuilder(inPlace.length + appended.length + 1, { uniqueClaims: true });
  addReference(one, { ...referenceRecordsOnlyKeys(s), persons: [], cards: [] });
  const persons = new Set<string>();
  const cards = new Set<string>();
  for (const r of [...inPlace.map((x) => x.c.record), ...appended.map((x) => x.record)]) {
    cards.add(r.cardId);
    if (r.servedId) persons.add(r.servedId);
    if (r.holderId) persons.add(r.holderId);
  }
  one.presetKeys('persons', set.persons.id, persons);
  one.presetKeys('cards', set.cards.id, cards);
  const sizes = one.tableSizes();
  for (const x of inPlace) one.claim(x.c.record);
  for (const x of appended) one.claim(x.record);
  if (one.tableSizes() !== sizes) return undefined;
  const enc = one.build();
  const m = inPlace.length;
  const total = n + appended.length;
  const patchRow = new Int32Array(n).fill(-1);
  for (let k = 0; k < m; k++) patchRow[inPlace[k]!.at] = k;

  // Final order: the snapshot's claims and the new ones merged by node id. src[p] ≥ 0 is a snapshot
  // claim, −(row + 1) a row of `enc` (a changed claim's row replaces its snapshot claim's values).
  const src = new Int32Array(total);
  const claimNodes = new Float64Array(total);
  {
    let i = 0;
    let k = 0;
    for (let p = 0; p < total; p++) {
      if (k < appended.length && (i >= n || appended[k]!.node < s.nodes.claims[i]!)) {
        src[p] = -(m + k + 1);
        claimNodes[p] = appended[k++]!.node;
      } else {
        src[p] = patchRow[i]! >= 0 ? -(patchRow[i]! + 1) : i;
        claimNodes[p] = s.nodes.claims[i++]!;
      }
    }
  }
  // Lines, gathered claim by claim.
  const lineStart = new Int32Array(total + 1);
  for (let p = 0; p < total; p++) {
    const v = src[p]!;
    const len = v >= 0 ? c.lineStart[v + 1]! - c.lineStart[v]! : enc.claims.lineStart[-v]! - enc.claims.lineStart[-v - 1]!;
    lineStart[p + 1] = lineStart[p]! + len;
  }
  // Runs of consecutive snapshot claims — nearly all of a patch — are copied with one set() per column;
  // only the changed claims' rows are placed one by one (element-wise copying of every column was most
  // of a patch's 1.6 s at 1M claims).
  const runs: { p: number; from: number; len: number }[] = [];
  const encodedAt: number[] = [];
  for (let p = 0; p < total; ) {
    const v = src[p]!;
    if (v < 0) {
      encodedAt.push(p++);
      continue;
    }
    let q = p + 1;
    while (q < total && src[q] === v + (q - p)) q++;
    runs.push({ p, from: v, len: q - p });
    p = q;
  }
  const L = lineStart[total]!;
  const lines = { count: L, item: new Int32Array(L) };
  for (const r of runs) {
    const j0 = c.lineStart[r.from]!;
    const j1 = c.lineStart[r.from + r.len]!;
    const q0 = lineStart[r.p]!;
    lines.item.set(set.lines.item.subarray(j0, j1), q0);
  }
  for (const p of encodedAt) {
    let j = enc.claims.lineStart[-src[p]! - 1]!;
    for (let q = lineStart[p]!, end = lineStart[p + 1]!; q < end; q++, j++) {
      lines.item[q] = enc.lines.item[j]!;
    }
  }

  const column = <T extends Column>(key: keyof ClaimSet['claims']): T => {
    const a = c[key] as T;
    const e = enc.claims[key] as T;
    const out = new (a.constructor as new (k: number) => T)(total);
    for (const r of runs) (out as unknown as { set(x: ArrayLike<number>, at: number): void }).set((a as unknown as { subarray(b: number, z: number): ArrayLike<number> }).subarray(r.from, r.from + r.len), r.p);
    for (const p of encodedAt) out[p] = e[-src[p]! - 1]!;
    return out;
  };
  // Diagnoses: codes of the snapshot, then codes only changed claims name; renumbered by first claim, as a build interns them.
  const codes = [...set.diagnoses.code];
  const codeIndex = new Map(codes.map((k, i) => [k, i]));
  const encDx = Int32Array.from(enc.claims.diagnosis, (dx) => {
    if (dx < 0) return dx;
    const code = enc.diagnoses.code[dx]!;
    let i = codeIndex.get(code);
    if (i === undefined) codeIndex.set(code, (i = codes.push(code) - 1));
    return i;
  });
  const firstOld = new Int32Array(set.diagnoses.code.length).fill(-1);
  for (let i = 0; i < n; i++) if (c.diagnosis[i]! >= 0 && firstOld[c.diagnosis[i]!] === -1) firstOld[c.diagnosis[i]!] = i;
  // A changed claim's own name (the builder keeps one name per code: its first claim's).
  const encRecord = (row: number) => (row < m ? inPlace[row]!.c.record : appended[row - m]!.record);
  const encName = (row: number) => {
    const r = encRecord(row);
    return r.diagnosisName ?? r.diagnosisCode!;
  };
  const renumber = new Int32Array(codes.length).fill(-1);
  const newCodes: string[] = [];
  const newNames: string[] = [];
  const varied: number[] = [];
  const diagnosis = new Int32Array(total);
  for (let p = 0; p < total; p++) {
    const v = src[p]!;
    const t = v >= 0 ? c.diagnosis[v]! : encDx[-v - 1]!;
    if (t < 0) {
      diagnosis[p] = t;
      continue;
    }
    // A copied claim carries the snapshot's name for sure only when all the code's claims did, or it was the first.
    const unsure = v >= 0 && s.diagnosisVaried[t] === 1 && firstOld[t] !== v;
    const name = v >= 0 ? set.diagnoses.name[t]! : encName(-v - 1);
    if (renumber[t] === -1) {
      if (unsure) return undefined;
      renumber[t] = newCodes.push(codes[t]!) - 1;
      newNames.push(name);
    }
    const dx = renumber[t]!;
    if (unsure || name !== newNames[dx]) varied.push(dx);
    diagnosis[p] = dx;
  }
  const diagnosisVaried = new Uint8Array(newCodes.length);
  for (const dx of varied) diagnosisVaried[dx] = 1;

  // Ids: byte runs copied as the columns are.
  const idStart = new Int32Array(total + 1);
  for (let p = 0; p < total; p++) {
    const v = src[p]!;
    const len = v >= 0 ? c.id.start[v + 1]! - c.id.start[v]! : enc.claims.id.start[-v]! - enc.claims.id.start[-v - 1]!;
    idStart[p + 1] = idStart[p]! + len;
  }
  const idBytes = new Uint8Array(idStart[total]!);
  for (const r of runs) idBytes.set(c.id.bytes.subarray(c.id.start[r.from]!, c.id.start[r.from + r.len]!), idStart[r.p]!);
  for (const p of encodedAt) {
    const row = -src[p]! - 1;
    idBytes.set(enc.claims.id.bytes.subarray(enc.claims.id.start[row]!, enc.claims.id.start[row + 1]!), idStart[p]!);
  }
  const ids = { bytes: idBytes, start: idStart };

  const byNode = new Map(s.trace.map((e) => [e.node, e]));
  for (const e of d.trace) byNode.set(e.node, e);
  const trace = [...byNode.values()].sort((a, z) => a.node - z.node);
  const traceCodes: string[] = [];
  const traceClaims: Int32Array[] = [];
  for (const e of trace) {
    const idx = claimIndices(claimNodes, e.claims);
    if (idx.length < 2) continue;
    traceCodes.push(e.code);
    traceClaims.push(Int32Array.from(idx).sort());
  }
  const claims: ClaimSet['claims'] = {
    count: total,
    id: ids,
    t: column('t'),
    day: column('day'),
    kind: column('kind'),
    institution: column('institution'),
    doctor: column('doctor'),
    rxDoctor: column('rxDoctor'),
    card: column('card'),
    served: column('served'),
    check: column('check'),
    diagnosis,
    admitDay: column('admitDay'),
    dischargeDay: column('dischargeDay'),
    total: column('total'),
    fund: column('fund'),
    lineStart,
  };
  return {
    set: { ...set, claims, lines, diagnoses: { code: newCodes, name: newNames }, traceReuse: { code: traceCodes, claims: traceClaims } },
    households: s.households,
    addresses: s.addresses,
    diagnosisVaried,
    nodes: { ...s.nodes, claims: claimNodes },
    trace,
  };
}

/**
 * Just enough reference records for a builder to reproduce the entity indices (keys in order): a
 * builder over them interns a claim's card, institution, doctors, served person and items as the full
 * build does. Their other fields do not matter for encoding claims.
 */
function referenceRecordsOnlyKeys(s: ProjectionState): Omit<ReferenceRecords, 'persons' | 'cards'> {
  const t = s.set;
  return {
    regions: [],
    institutions: t.institutions.id.map((id) => ({ id })),
    doctors: t.doctors.id.map((id) => ({ id })),
    items: t.items.id.map((id) => ({ id })),
  };
}
