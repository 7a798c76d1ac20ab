import type { Driver } from 'neo4j-driver';
import { ClaimSetBuilder, type ClaimRecord, type LineRecord } from '../../algorithms/claim-set-builder.ts';
import type { ClaimSet } from '../../algorithms/claim-set.ts';
import {
  claimIndices,
  type ChangedClaim,
  type ProjectionState,
  type RecordOf,
  type ReferenceTable,
  type TraceEntry,
} from '../../algorithms/projection-state.ts';
import { committedIngestSeq } from '../writes/ingest-sequence.ts';
import { streamRows } from './stream.ts';

/**
 * Projects what the detectors need from Neo4j into a compact ClaimSet: reference tables whole (they
 * are small), claims filtered by region and period and streamed with their item lines folded in, and
 * only those traceability codes that more than one claim dispensed.
 *
 * Claims are read by their own properties: the keys their BY, PRESCRIBED_BY and FOR relationships
 * lead to are denormalised onto the Claim by both ingest paths (graph/writes/upserts.ts,
 * CLAIM_PROPERTIES), so only the item lines need a traversal; the properties are read as one map (one
 * walk of the property chain) and each line names its Item by node id. A store loaded before that (claims
 * without `ingestSeq`) is read the old way, through the relationships. Claims are read in node-id
 * ranges over several sessions at once, each into a builder of its own, and joined in node order —
 * the order one label scan would give, so the ClaimSet is the same however many sessions read it.
 */

export interface ProjectionScope {
  /** pooling-region code (Claim.region) */
  region?: string | undefined;
  /** inclusive, YYYY-MM-DD, China time */
  since?: string | undefined;
  /** inclusive, YYYY-MM-DD, China time */
  until?: string | undefined;
  /**
   * only the claims charged to these cards or written/prescribed by these doctors (the cross-region
   * pass of a partitioned run, detection/partitioned.ts); region is then ignored
   */
  claimsOf?: { cards: string[]; doctors: string[] } | undefined;
}

export interface ProjectionProgress {
  stage: 'reference' | 'persons' | 'cards' | 'claims' | 'trace-codes';
  done: number;
  total?: number;
}

export interface ProjectionOptions {
  /** sessions reading claims at once (default 2: one per core of the target machine) */
  sessions?: number;
  /** read doctor, prescriber and served person through the relationships, as before migration 10 (benchmarks: the old query beside the new) */
  traverse?: boolean;
}

/** Where a projection stands in the store's history: what a later incremental projection continues from. */
export interface Watermark {
  /** Neo4j's id of the database (a bulk import or a new store changes it) */
  storeId: string;
  /** committed ingest sequence when the projection started (graph/writes/ingest-sequence.ts) */
  seq: number;
  /** the sequence counter's epoch (null before any transactional write) */
  epoch: string | null;
}

export interface FullProjection {
  state: ProjectionState;
  watermark: Watermark;
  /** false for a store whose claims predate the denormalised keys: no incremental projection from it */
  denormalised: boolean;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The scope's conditions on claim `v` (a node, or the map of its properties). */
function scopeConditions(scope: ProjectionScope, v = 'c'): { conds: string[]; params: Record<string, unknown> } {
  const conds: string[] = [];
  const params: Record<string, unknown> = {};
  if (scope.region && !scope.claimsOf) {
    conds.push(`${v}.region = $region`);
    params.region = scope.region;
  }
  if (scope.since) {
    conds.push(`${v}.settledAt >= datetime({date: date($since), timezone: '+08:00'})`);
    params.since = scope.since;
  }
  if (scope.until) {
    conds.push(`${v}.settledAt < datetime({date: date($until), timezone: '+08:00'}) + duration('P1D')`);
    params.until = scope.until;
  }
  return { conds, params };
}

function claimFilter(scope: ProjectionScope): { match: string; where: string; params: Record<string, unknown> } {
  const { conds, params } = scopeConditions(scope);
  // A label scan, not the settledAt or region index: claims come in node-id order whatever the scope,
  // the order an incremental projection keeps (a range seek on settledAt would give time order).
  let match = 'MATCH (c:Claim) USING SCAN c:Claim';
  if (scope.claimsOf) {
    // Through the Card and Doctor key constraints, not a scan of every claim; UNION drops a claim
    // reached both ways.
    match = `CALL () {
      UNWIND $cards AS k MATCH (:Card {cardNo: k})<-[:CHARGED_TO]-(c:Claim) RETURN c
      UNION
      UNWIND $doctors AS d MATCH (:Doctor {code: d})<-[:BY|PRESCRIBED_BY]-(c:Claim) RETURN c
    }
    WITH c`;
    params.cards = scope.claimsOf.cards;
    params.doctors = scope.claimsOf.doctors;
  }
  return { match, where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

// Item lines travel as one list of items per claim, one entry a line (the detectors read which items a
// claim billed, not a line's quantity or amount: algorithms/claim-set.ts). A full projection names each
// line's item by its node id, mapped to the item through the Item table it has just read: no Item node
// is read per line (a third of the lines' cost on the server). An incremental read names it by code
// (the item may be new since the snapshot).
const LINES_BY_CODE = '[(c)-[:BILLED]->(i:Item) | i.code]';
const LINES_BY_NODE = '[(c)-[:BILLED]->(i) | id(i)]';
const KEYS_BY_TRAVERSAL = '[(c)-[:BY]->(d:Doctor) | d.code][0], [(c)-[:PRESCRIBED_BY]->(d:Doctor) | d.code][0], [(c)-[:FOR]->(p:Person) | p.idNumber][0]';

/**
 * A claim row (after `MATCH (c:Claim) … WHERE …`): `pre` to put before the RETURN, `fields` the row's
 * values — node id, then what `claimHead` reads, then the lines. With denormalised keys the
 * properties are read as one map: every `c.x` walks the claim's property chain from its start (19
 * properties, claimId last), so 16 reads were 16 walks — `properties(c)` walks it once (0.55 → 0.21 s
 * of Neo4j CPU per 100k claims).
 */
function claimFields(denormalised: boolean, lines: 'code' | 'node'): { pre: string; fields: string } {
  const linesExpr = lines === 'code' ? LINES_BY_CODE : LINES_BY_NODE;
  if (!denormalised) {
    return {
      pre: '',
      fields: `id(c), c.claimId, c.settledAt.epochSeconds, c.kind, c.institutionCode, c.cardNo, ${KEYS_BY_TRAVERSAL},
       c.identityCheck, c.diagnosisCode, c.diagnosisName, toString(c.admissionDate), toString(c.dischargeDate), c.total, c.fundPaid, ${linesExpr}`,
    };
  }
  return {
    pre: 'WITH c, properties(c) AS p',
    fields: `id(c), p.claimId, p.settledAt.epochSeconds, p.kind, p.institutionCode, p.cardNo, p.doctorCode, p.prescriberCode, p.servedIdNumber,
       p.identityCheck, p.diagnosisCode, p.diagnosisName, toString(p.admissionDate), toString(p.dischargeDate), p.total, p.fundPaid, ${linesExpr}`,
  };
}

function claimReturn(denormalised: boolean, lines: 'code' | 'node'): string {
  const { pre, fields } = claimFields(denormalised, lines);
  return `${pre} RETURN ${fields}`;
}

/** A claim row of `claimReturn` (from index 1, lines aside) as the builder's record. */
export function claimHead(v: unknown[]): Omit<ClaimRecord, 'lines'> {
  return {
    id: String(v[1]),
    settledAt: Number(v[2]),
    kind: String(v[3]),
    institutionId: String(v[4]),
    cardId: String(v[5]),
    doctorId: str(v[6]),
    rxDoctorId: str(v[7]),
    servedId: str(v[8]),
    check: str(v[9]),
    diagnosisCode: str(v[10]),
    diagnosisName: str(v[11]),
    admissionDate: str(v[12]),
    dischargeDate: str(v[13]),
    total: Number(v[14] ?? 0),
    fund: Number(v[15] ?? 0),
  };
}

/** A claim row of `claimReturn(…, 'code')` as the builder's record. */
export function claimRecord(v: unknown[]): ClaimRecord {
  const items = (v[16] as unknown[] | null) ?? [];
  const lines: LineRecord[] = items.map((item) => ({ itemId: String(item) }));
  return { ...claimHead(v), lines };
}

/** Reference queries: node id first, then the record's fields. `changedSince` keeps those written after a sequence. */
const REFERENCE_QUERIES: { [T in ReferenceTable]: { cypher: (where: string) => string; record: (v: unknown[]) => RecordOf<T> } } = {
  institutions: {
    cypher: (w) => `MATCH (x:Institution) ${w} RETURN id(x), x.code, x.name, x.kind, x.level, x.region, x.latitude, x.longitude`,
    record: ([, id, name, kind, level, region, lat, lon]) => ({ id: String(id), name: str(name), kind: str(kind), level: str(level), region: str(region), lat: num(lat), lon: num(lon) }),
  },
  doctors: {
    cypher: (w) => `MATCH (x:Doctor) ${w} RETURN id(x), x.code, x.name, x.institutionCode, x.department`,
    record: ([, id, name, inst, dept]) => ({ id: String(id), name: str(name), institutionId: str(inst), department: str(dept) }),
  },
  items: {
    cypher: (w) => `MATCH (x:Item) ${w} RETURN id(x), x.code, x.name, x.category, x.genderRestriction, x.minAge, x.maxAge, x.minLevel`,
    record: ([, id, name, category, gender, minAge, maxAge, minLevel]) => ({
      id: String(id),
      name: str(name),
      category: str(category),
      gender: str(gender),
      minAge: num(minAge),
      maxAge: num(maxAge),
      minLevel: str(minLevel),
    }),
  },
  persons: {
    // One walk of the property chain for seven properties (see claimFields).
    cypher: (w) => `MATCH (x:Person) ${w} WITH x, properties(x) AS p RETURN id(x), p.idNumber, p.name, p.gender, toString(p.birthDate), p.householdId, p.address, p.region`,
    record: ([, id, name, gender, birth, household, address, region]) => ({
      id: String(id),
      name: str(name),
      gender: str(gender),
      birthDate: str(birth),
      householdId: str(household),
      address: str(address),
      region: str(region),
    }),
  },
  cards: {
    cypher: (w) => `MATCH (x:Card) ${w} RETURN id(x), x.cardNo, x.holderIdNumber`,
    record: ([, id, holder]) => ({ id: String(id), holderId: str(holder) }),
  },
};

/** Streams the rows of one reference table (all, or those written after `changedSince`) to `onRow` with their node ids, in the order the store returns them. */
export async function streamReferenceTable<T extends ReferenceTable>(
  driver: Driver,
  table: T,
  changedSince: number | undefined,
  onRow: (node: number, record: RecordOf<T>) => void,
): Promise<number> {
  const q = REFERENCE_QUERIES[table];
  const where = changedSince === undefined ? '' : 'WHERE x.ingestSeq > $since';
  return streamRows(driver, q.cypher(where), changedSince === undefined ? {} : { since: changedSince }, (v) => onRow(Number(v[0]), q.record(v) as RecordOf<T>));
}

/** Rows of one reference table in node order (all, or those written after `changedSince`), with their node ids. */
export async function readReferenceTable<T extends ReferenceTable>(
  driver: Driver,
  table: T,
  changedSince?: number,
  onRow: (done: number) => void = () => {},
): Promise<{ node: number; record: RecordOf<T> }[]> {
  const rows: { node: number; record: RecordOf<T> }[] = [];
  await streamReferenceTable(driver, table, changedSince, (node, record) => {
    rows.push({ node, record });
    onRow(rows.length);
  });
  // An index seek returns rows in sequence order; a projection keeps node order.
  if (changedSince !== undefined) rows.sort((a, z) => a.node - z.node);
  return rows;
}

/**
 * Every reference table of a full projection into `b`, in the order `addReference` feeds them (regions,
 * institutions, doctors, items, persons, cards — a later table's rows may intern into an earlier one's
 * dictionary: a card's holder, a person's region), so the indices are those `addReference` gives. The
 * tables are read at once, one session each; persons go into the builder as they arrive (once the
 * small tables are in), and cards too once every person is in — until then a card waits as its node
 * id and two strings. Collecting every row as an object first (≈ 200 MB of row objects at 1M claims,
 * ≈ 1.2 GB of RSS at 5M) was the projection's largest transient.
 */
async function readReferenceInto(
  driver: Driver,
  b: ClaimSetBuilder,
  onProgress: (p: ProjectionProgress) => void,
): Promise<{ nodes: Omit<ProjectionState['nodes'], 'claims'>; items: { node: number; id: string }[] }> {
  const progress = (stage: 'persons' | 'cards') => {
    let n = 0;
    return { row: () => ++n % 100_000 === 0 && onProgress({ stage, done: n }), end: () => onProgress({ stage, done: n, total: n }) };
  };
  const personNodes: number[] = [];
  const cardNodes: number[] = [];
  let smallIn = false;
  let personsIn = false;
  const personWait: { node: number; record: RecordOf<'persons'> }[] = [];
  const cardWait: { node: number[]; id: string[]; holder: (string | null | undefined)[] } = { node: [], id: [], holder: [] };
  const person = (node: number, record: RecordOf<'persons'>) => {
    personNodes.push(node);
    b.person(record);
  };
  const card = (node: number, record: RecordOf<'cards'>) => {
    cardNodes.push(node);
    b.card(record);
  };
  let small: { node: number; id: string }[] = [];
  let smallNodes: Pick<ProjectionState['nodes'], 'institutions' | 'doctors' | 'items'> | undefined;
  const smallTables = Promise.all([
    readRegions(driver),
    readReferenceTable(driver, 'institutions'),
    readReferenceTable(driver, 'doctors'),
    readReferenceTable(driver, 'items'),
  ]).then(([regions, institutions, doctors, items]) => {
    for (const g of regions) b.region(g.code, g.name);
    for (const x of institutions) b.institution(x.record);
    for (const x of doctors) b.doctor(x.record);
    for (const x of items) b.item(x.record);
    smallNodes = {
      institutions: Float64Array.from(institutions, (r) => r.node),
      doctors: Float64Array.from(doctors, (r) => r.node),
      items: Float64Array.from(items, (r) => r.node),
    };
    small = items.map((r) => ({ node: r.node, id: r.record.id }));
    smallIn = true;
    for (const r of personWait) person(r.node, r.record);
    personWait.length = 0;
  });
  const p = progress('persons');
  const persons = streamReferenceTable(driver, 'persons', undefined, (node, record) => {
    if (smallIn) person(node, record);
    else personWait.push({ node, record });
    p.row();
  }).then(async () => {
    await smallTables;
    p.end();
    personsIn = true;
    for (let k = 0; k < cardWait.node.length; k++) card(cardWait.node[k]!, { id: cardWait.id[k]!, holderId: cardWait.holder[k] ?? null });
    cardWait.node = [];
    cardWait.id = [];
    cardWait.holder = [];
  });
  const c = progress('cards');
  const cards = streamReferenceTable(driver, 'cards', undefined, (node, record) => {
    if (personsIn) card(node, record);
    else {
      cardWait.node.push(node);
      cardWait.id.push(record.id);
      cardWait.holder.push(record.holderId);
    }
    c.row();
  });
  await Promise.all([smallTables, persons, cards]);
  c.end();
  return { nodes: { ...smallNodes!, persons: Float64Array.from(personNodes), cards: Float64Array.from(cardNodes) }, items: small };
}

export async function readRegions(driver: Driver): Promise<{ code: string; name: string | null }[]> {
  const out: { code: string; name: string | null }[] = [];
  await streamRows(driver, 'MATCH (g:Region) RETURN g.code, g.name', {}, ([code, name]) => out.push({ code: String(code), name: str(name) }));
  return out;
}

export async function storeWatermark(driver: Driver): Promise<Watermark> {
  const [{ records }, seq] = await Promise.all([driver.executeQuery('CALL db.info() YIELD id RETURN id'), committedIngestSeq(driver)]);
  return { storeId: String(records[0]?.get('id')), seq: seq.seq, epoch: seq.epoch };
}

/** Whether every claim carries the denormalised keys (written since the ingest sequence exists: migration 10). */
export async function claimsDenormalised(driver: Driver): Promise<boolean> {
  const { records } = await driver.executeQuery(
    'CALL () { MATCH (c:Claim) RETURN count(c) AS all } CALL () { MATCH (c:Claim) WHERE c.ingestSeq IS NOT NULL RETURN count(c) AS stamped } RETURN all, stamped',
  );
  return Number(records[0]!.get('all')) === Number(records[0]!.get('stamped'));
}

export async function projectClaims(driver: Driver, scope: ProjectionScope = {}, onProgress: (p: ProjectionProgress) => void = () => {}, opts: ProjectionOptions = {}): Promise<ClaimSet> {
  return (await projectFull(driver, scope, onProgress, opts)).state.set;
}

export async function projectFull(driver: Driver, scope: ProjectionScope = {}, onProgress: (p: ProjectionProgress) => void = () => {}, opts: ProjectionOptions = {}): Promise<FullProjection> {
  // The watermark first: whatever is written while we read is read again by the next incremental run.
  const watermark = await storeWatermark(driver);
  const denormalised = await claimsDenormalised(driver);
  const { match, where, params } = claimFilter(scope);
  // Counting needs no order: without the hint, the whole graph's count comes from the count store.
  const countRows = await driver.executeQuery(`${match.replace(' USING SCAN c:Claim', '')} ${where} RETURN count(c) AS n`, params);
  const expected = Number(countRows.records[0]?.get('n') ?? 0);

  let claims = 0;
  const progress = () => {
    if (++claims % 50_000 === 0) onProgress({ stage: 'claims', done: claims, total: expected });
  };
  const sessions = Math.max(1, opts.sessions ?? 2);
  const ranged = !scope.claimsOf && expected > 0;
  // Read over several sessions, this builder holds the first range's claims and takes the others' at the
  // end (appendFrom), its columns growing then to exactly the total: sized for its own range only.
  const b = new ClaimSetBuilder(ranged ? Math.ceil(expected / sessions) : expected, { uniqueClaims: true });
  const reference = await readReferenceInto(driver, b, onProgress);
  onProgress({ stage: 'reference', done: 1, total: 1 });
  const nodes = reference.nodes;
  // Item node id → item index, the same in every builder holding the same tables (checked below).
  const itemIndex = new Map<number, number>();
  for (const { node, id } of reference.items) itemIndex.set(node, b.itemIndex(id));
  const itemOf = (node: number): number => {
    const i = itemIndex.get(node);
    if (i === undefined) throw new Error(`an item line names node ${node}, which is no Item`);
    return i;
  };
  const traverse = !denormalised || opts.traverse === true;
  const add = traverse
    ? (builder: ClaimSetBuilder, v: unknown[]) => builder.claim(claimRecord(v))
    : (builder: ClaimSetBuilder, v: unknown[]) => builder.claimFlatLines(claimHead(v), v[16] as unknown[] | null, itemOf);
  const reader: ClaimReader = { ...claimFields(!traverse, traverse ? 'code' : 'node'), add, batched: !traverse };
  let claimNodes: Float64Array;
  if (!ranged) {
    const order: number[] = [];
    await streamRows(driver, `${match} ${where} ${reader.pre} RETURN ${reader.fields}`, params, (v) => {
      order.push(Number(v[0]));
      reader.add(b, v);
      progress();
    });
    claimNodes = Float64Array.from(order);
  } else {
    claimNodes = await readClaimRanges(driver, b, { scope, where, params, reader, sessions, expected }, progress);
  }
  onProgress({ stage: 'claims', done: claims, total: claims });

  // A code dispensed once is the normal case; only repeats are evidence. COUNT{} reads the degree.
  const trace: TraceEntry[] = [];
  await streamRows(
    driver,
    `MATCH (t:TraceCode) WHERE COUNT { (t)<-[:DISPENSED]-() } > 1
     RETURN id(t), t.code, [(t)<-[:DISPENSED]-(c:Claim) | id(c)]`,
    {},
    ([node, code, claimIds]) => trace.push({ node: Number(node), code: String(code), claims: (claimIds as unknown[]).map(Number) }),
  );
  const sorted = isAscending(claimNodes);
  const position = sorted ? undefined : new Map(Array.from(claimNodes, (n, i) => [n, i]));
  for (const e of trace) {
    const idx = sorted ? claimIndices(claimNodes, e.claims) : e.claims.map((n) => position!.get(n)).filter((i): i is number => i !== undefined);
    b.traceCodeAt(e.code, idx);
  }
  onProgress({ stage: 'trace-codes', done: trace.length, total: trace.length });
  const set = b.build();
  const extras = b.extras();
  return {
    state: { set, households: extras.households, addresses: extras.addresses, diagnosisVaried: extras.diagnosisVaried, nodes: { ...nodes, claims: claimNodes }, trace },
    watermark,
    denormalised,
  };
}

/** A claim query's row (see `claimFields`), how a row goes into a builder, and whether ranges are read in batches. */
interface ClaimReader {
  pre: string;
  fields: string;
  add: (b: ClaimSetBuilder, v: unknown[]) => void;
  batched: boolean;
}

/**
 * Claims per record when a range is read in batches. Each record costs Neo4j ≈ 1.8 µs to send
 * whatever it holds, so many claims to a record save most of that; but a record larger than one Bolt
 * chunk (Neo4j sends chunks of at most 8 KiB) is decoded through the driver's combined buffers, far
 * slower — at 50 claims per record that path still took 0.7 s of 1M claims' decoding; 20 claims
 * (≈ 4 KiB) mostly fit one chunk.
 */
const BATCH = 20;

function isAscending(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! >= a[i]!) return false;
  return true;
}

/**
 * Claims in `sessions` node-id ranges read at once, the first straight into `b`, each other into a
 * builder of its own sharing b's reference tables, then copied into `b` in range order. On two
 * cores this keeps Neo4j's query threads and our decoding busy together.
 */
async function readClaimRanges(
  driver: Driver,
  b: ClaimSetBuilder,
  q: { scope: ProjectionScope; where: string; params: Record<string, unknown>; reader: ClaimReader; sessions: number; expected: number },
  progress: () => void,
): Promise<Float64Array> {
  const { records: bounds } = await driver.executeQuery('MATCH (c:Claim) RETURN min(id(c)) AS lo, max(id(c)) AS hi');
  const lo = Number(bounds[0]!.get('lo') ?? 0);
  const hi = Number(bounds[0]!.get('hi') ?? -1) + 1;
  const step = Math.ceil((hi - lo) / q.sessions);
  const where = q.where ? `${q.where} AND id(c) >= $lo AND id(c) < $hi` : 'WHERE id(c) >= $lo AND id(c) < $hi';
  // Batched: the range is walked by node id (NodeByIdSeek, ascending — the order a label scan gives),
  // BATCH ids at a time, each batch's claims collected into one record. Ids that are no claim, or out
  // of scope, are passed over by the label and the scope's conditions.
  // The scope's conditions go on the property map, where no index can serve them: on a claim node
  // the planner may answer a batch with a range seek of the settledAt or region index (a seek through
  // half the claims for every 20 of them, in time order), as it did on a small store. ORDER BY keeps
  // node order whatever the plan (a sort of 20 rows).
  const onMap = scopeConditions(q.scope, 'p').conds;
  const query = q.reader.batched
    ? `UNWIND range($lo, $hi - 1, ${BATCH}) AS k CALL (k) {
         MATCH (c:Claim) WHERE id(c) IN range(k, k + ${BATCH - 1}) AND id(c) < $hi
         ${q.reader.pre} ${onMap.length ? `WHERE ${onMap.join(' AND ')}` : ''}
         WITH c, p ORDER BY id(c)
         RETURN collect([${q.reader.fields}]) AS rows
       } RETURN rows`
    : `MATCH (c:Claim) USING SCAN c:Claim ${where} ${q.reader.pre} RETURN ${q.reader.fields}`;
  // The other parts look entities up in b's tables (430k persons and cards at 1M claims: a copy of
  // their dictionaries per part cost ≈ 0.85 s of our CPU).
  const parts = Array.from({ length: q.sessions }, (_, k) => {
    const builder = k === 0 ? b : new ClaimSetBuilder(Math.ceil(q.expected / q.sessions), { uniqueClaims: true, tablesOf: b });
    return { builder, lo: lo + k * step, hi: Math.min(hi, lo + (k + 1) * step), nodes: [] as number[] };
  });
  const tablesAlone = b.tableSizes();
  await Promise.all(
    parts.map((p) => {
      const one = (v: unknown[]) => {
        p.nodes.push(Number(v[0]));
        q.reader.add(p.builder, v);
        progress();
      };
      return streamRows(driver, query, { ...q.params, lo: p.lo, hi: p.hi }, q.reader.batched ? (v) => (v[0] as unknown[][]).forEach(one) : one);
    }),
  );
  // A claim naming an entity without a node of its own gives the entity a row, placed by whichever part
  // read it first. The graph's MERGEs make such rows impossible; fail loudly if one appears.
  if (b.tableSizes() !== tablesAlone) throw new Error('claims name entities the reference tables lack; project with sessions: 1');
  // The other ranges' claims, a column at a time (each part's columns emptied as they are taken).
  const total = parts.reduce((n, p) => n + p.builder.claimCount, 0);
  for (const p of parts.slice(1)) b.appendFrom(p.builder, total);
  return Float64Array.from(parts.flatMap((p) => p.nodes));
}

/** Claims written after `since` (all of them, in or out of `scope`), in node order, with whether each is in scope. */
export async function readChangedClaims(driver: Driver, scope: ProjectionScope, since: number): Promise<ChangedClaim[]> {
  const { conds, params } = scopeConditions(scope);
  const inScope = conds.length ? conds.join(' AND ') : 'true';
  const out: ChangedClaim[] = [];
  // $watermark, not $since: the scope's own $since is a date.
  await streamRows(driver, `MATCH (c:Claim) WHERE c.ingestSeq > $watermark ${claimReturn(true, 'code')}, ${inScope}`, { ...params, watermark: since }, (v) => {
    out.push({ node: Number(v[0]), record: claimRecord(v), inScope: v[17] === true });
  });
  return out.sort((a, z) => a.node - z.node);
}

/** Trace codes settled more than once that a claim written after `since` dispensed, with all their claims. */
export async function readChangedTrace(driver: Driver, since: number): Promise<TraceEntry[]> {
  const out: TraceEntry[] = [];
  await streamRows(
    driver,
    `MATCH (c:Claim)-[:DISPENSED]->(t:TraceCode) WHERE c.ingestSeq > $since
     WITH DISTINCT t WHERE COUNT { (t)<-[:DISPENSED]-() } > 1
     RETURN id(t), t.code, [(t)<-[:DISPENSED]-(c:Claim) | id(c)]`,
    { since },
    ([node, code, claimIds]) => out.push({ node: Number(node), code: String(code), claims: (claimIds as unknown[]).map(Number) }),
  );
  return out;
}
