import {
  CLAIM_KINDS,
  GENDER,
  IDENTITY_CHECKS,
  INSTITUTION_KINDS,
  NONE,
  UNKNOWN_DAY,
  claimId,
  dayOfDate,
  levelRank,
  localDay,
  type ClaimKindName,
  type ClaimSet,
} from './claim-set.ts';

/**
 * Builds a ClaimSet from records keyed by natural keys, dictionary-encoding every entity. The Neo4j
 * projection streams into it; unit tests build small hand-made sets with it. Entities a claim refers
 * to before (or without) their own record get a placeholder row that a later record fills in.
 */

class Column<T extends Int32Array | Float64Array | Float32Array | Uint8Array | Int16Array> {
  data: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    initial = 1024,
    private readonly fill = 0,
  ) {
    this.data = make(initial);
    if (fill !== 0) this.data.fill(fill as never);
  }
  private grow(min: number): void {
    const next = this.make(Math.max(min, this.data.length * 2));
    if (this.fill !== 0) next.fill(this.fill as never);
    next.set(this.data as never);
    this.data = next;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  set(i: number, v: number): void {
    if (i >= this.data.length) this.grow(i + 1);
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
  /** Appends `src` (sized exactly: the set's final length), then lets go of nothing — the caller drops `src`. */
  append(src: ArrayLike<number> & { length: number }, exact: number): void {
    if (this.length + src.length > this.data.length) {
      const next = this.make(Math.max(exact, this.length + src.length));
      if (this.fill !== 0) next.fill(this.fill as never);
      next.set(this.data.subarray(0, this.length) as never);
      this.data = next;
    }
    this.data.set(src as never, this.length);
    this.length += src.length;
  }
  /** This column's values so far (a view) and an empty column in its place: the memory goes when the view does. */
  take(): T {
    const out = this.data.subarray(0, this.length) as T;
    this.data = this.make(0);
    this.length = 0;
    return out;
  }
  done(n: number): T {
    if (n > this.data.length) this.grow(n);
    // Sized exactly (a projection knows its claim count): the column itself, not a copy beside it.
    return (n === this.data.length ? this.data : this.data.slice(0, n)) as T;
  }
}

const i32 = (fill = 0, n = 1024) => new Column((k) => new Int32Array(k), n, fill);
const f64 = (fill = 0, n = 1024) => new Column((k) => new Float64Array(k), n, fill);

/** Natural key ↔ dense index. */
class Dictionary {
  readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  get size(): number {
    return this.keys.length;
  }
  lookup(key: string): number | undefined {
    return this.index.get(key);
  }
  intern(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.keys.length;
      this.index.set(key, i);
      this.keys.push(key);
    }
    return i;
  }
  /** Takes `keys` as its rows but indexes only those in `wanted`: any other key interned becomes a new row. */
  preset(keys: readonly string[], wanted: ReadonlySet<string>): void {
    if (this.keys.length) throw new Error('preset on a dictionary that has rows');
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      this.keys.push(k);
      if (wanted.has(k)) this.index.set(k, i);
    }
  }
}

export interface PersonRecord {
  id: string;
  name?: string | null;
  gender?: 'M' | 'F' | string | null;
  birthDate?: string | null;
  householdId?: string | null;
  address?: string | null;
  region?: string | null;
}

export interface CardRecord {
  id: string;
  holderId?: string | null;
}

export interface InstitutionRecord {
  id: string;
  name?: string | null;
  kind?: string | null;
  level?: string | null;
  region?: string | null;
  lat?: number | null;
  lon?: number | null;
}

export interface DoctorRecord {
  id: string;
  name?: string | null;
  institutionId?: string | null;
  department?: string | null;
}

export interface ItemRecord {
  id: string;
  name?: string | null;
  category?: string | null;
  gender?: string | null;
  minAge?: number | null;
  maxAge?: number | null;
  minLevel?: string | null;
}

/** An item line: the item billed (a line's quantity and amount are not projected: LineColumns). */
export interface LineRecord {
  itemId: string;
}

export interface ClaimRecord {
  id: string;
  /** epoch seconds */
  settledAt: number;
  kind: ClaimKindName | string;
  institutionId: string;
  cardId: string;
  /** the card's holder as the claim row states it, used when the card has no record of its own */
  holderId?: string | null;
  doctorId?: string | null;
  rxDoctorId?: string | null;
  servedId?: string | null;
  check?: string | null;
  diagnosisCode?: string | null;
  diagnosisName?: string | null;
  admissionDate?: string | null;
  dischargeDate?: string | null;
  total: number;
  fund: number;
  lines?: LineRecord[];
}

export interface BuilderOptions {
  /**
   * The caller guarantees every claim id is new (a store's uniqueness constraint does): no id → index
   * map is kept (a million-entry Map is ≈ 100 MB and a second of inserts), so traceability codes must
   * then name their claims by index (`traceCodeAt`).
   */
  uniqueClaims?: boolean;
  /**
   * Use this builder's entity tables (regions, persons, cards, institutions, doctors, items) instead
   * of tables of one's own: a projection reading claims over several sessions builds one part per
   * session, and each part's claims only look entities up. An entity a part's claim adds shows in
   * both builders' `tableSizes`. Diagnoses stay the part's own.
   */
  tablesOf?: ClaimSetBuilder;
}

export type EntityTable = 'persons' | 'cards' | 'institutions' | 'doctors' | 'items';
/** Per entity table, a source set's row index → this builder's (`copyClaim`); a table left out kept its rows. */
export type EntityRemap = Partial<Record<EntityTable, Int32Array>>;

/** The entity tables `tablesOf` shares. */
const ENTITY_TABLES = [
  'regions', 'regionNames', 'persons', 'personName', 'personGender', 'personBirth', 'personHousehold', 'personAddress', 'personRegion',
  'households', 'addresses', 'cards', 'cardHolder', 'institutions', 'instName', 'instKind', 'instLevel', 'instRegion', 'instLat', 'instLon',
  'doctors', 'doctorName', 'doctorInst', 'doctorDept', 'items', 'itemName', 'itemCategory', 'itemGender', 'itemMinAge', 'itemMaxAge', 'itemMinLevel',
] as const;

export class ClaimSetBuilder {
  private readonly regions = new Dictionary();
  private readonly regionNames: string[] = [];
  private readonly persons = new Dictionary();
  private readonly personName: string[] = [];
  private readonly personGender = new Column((k) => new Uint8Array(k), 1024, GENDER.unknown);
  private readonly personBirth = i32(UNKNOWN_DAY);
  private readonly personHousehold = i32(NONE);
  private readonly personAddress = i32(NONE);
  private readonly personRegion = i32(NONE);
  private readonly households = new Dictionary();
  private readonly addresses = new Dictionary();
  private readonly cards = new Dictionary();
  private readonly cardHolder = i32(NONE);
  private readonly institutions = new Dictionary();
  private readonly instName: string[] = [];
  private readonly instKind = new Column((k) => new Uint8Array(k), 256, 255);
  private readonly instLevel = new Column((k) => new Uint8Array(k), 256);
  private readonly instRegion = i32(NONE, 256);
  private readonly instLat = f64(Number.NaN, 256);
  private readonly instLon = f64(Number.NaN, 256);
  private readonly doctors = new Dictionary();
  private readonly doctorName: string[] = [];
  private readonly doctorInst = i32(NONE);
  private readonly doctorDept: string[] = [];
  private readonly items = new Dictionary();
  private readonly itemName: string[] = [];
  private readonly itemCategory: string[] = [];
  private readonly itemGender = new Column((k) => new Uint8Array(k), 64, GENDER.unknown);
  private readonly itemMinAge = new Column((k) => new Int16Array(k), 64, -1);
  private readonly itemMaxAge = new Column((k) => new Int16Array(k), 64, -1);
  private readonly itemMinLevel = new Column((k) => new Uint8Array(k), 64);
  private readonly diagnoses = new Dictionary();
  private readonly diagnosisNames: string[] = [];
  /** diagnoses some claim names differently from the name kept (the first claim's): see `diagnosisVaried` */
  private readonly variedDiagnoses = new Set<number>();

  /** claim ids, UTF-8 bytes with offsets (ClaimIds) */
  private readonly idBytes = new Column((k) => new Uint8Array(k), 16 * 1024);
  private readonly idStart = i32(0);
  private claims = 0;
  private readonly claimIndex = new Map<string, number>();
  private readonly cT: Column<Float64Array>;
  private readonly cKind: Column<Uint8Array>;
  private readonly cInst: Column<Int32Array>;
  private readonly cDoctor: Column<Int32Array>;
  private readonly cRx: Column<Int32Array>;
  private readonly cCard: Column<Int32Array>;
  private readonly cServed: Column<Int32Array>;
  private readonly cCheck: Column<Uint8Array>;
  private readonly cDx: Column<Int32Array>;
  private readonly cAdmit: Column<Int32Array>;
  private readonly cDischarge: Column<Int32Array>;
  private readonly cTotal: Column<Float64Array>;
  private readonly cFund: Column<Float64Array>;
  private readonly cLineStart: Column<Int32Array>;
  private readonly lItem: Column<Int32Array>;
  private readonly trace: { code: string; claims: string[] }[] = [];
  private readonly traceAt: { code: string; claims: number[] }[] = [];
  private readonly uniqueClaims: boolean;

  constructor(expectedClaims = 1024, opts: BuilderOptions = {}) {
    this.uniqueClaims = opts.uniqueClaims ?? false;
    if (opts.tablesOf) for (const k of ENTITY_TABLES) (this as unknown as Record<string, unknown>)[k] = (opts.tablesOf as unknown as Record<string, unknown>)[k];
    const n = Math.max(16, expectedClaims);
    this.cT = f64(0, n);
    this.cKind = new Column((k) => new Uint8Array(k), n);
    this.cInst = i32(NONE, n);
    this.cDoctor = i32(NONE, n);
    this.cRx = i32(NONE, n);
    this.cCard = i32(NONE, n);
    this.cServed = i32(NONE, n);
    this.cCheck = new Column((k) => new Uint8Array(k), n);
    this.cDx = i32(NONE, n);
    this.cAdmit = i32(NONE, n);
    this.cDischarge = i32(NONE, n);
    this.cTotal = f64(0, n);
    this.cFund = f64(0, n);
    this.cLineStart = i32(0, n + 1);
    this.lItem = i32(NONE, n * 3);
    this.cLineStart.push(0);
    this.idStart.push(0);
  }

  region(code: string, name?: string | null): number {
    const i = this.regions.intern(code);
    if (name != null || this.regionNames[i] === undefined) this.regionNames[i] = name ?? this.regionNames[i] ?? code;
    return i;
  }

  personIndex(id: string): number {
    const i = this.persons.intern(id);
    if (this.personName[i] === undefined) this.personName[i] = '';
    this.personGender.set(i, this.personGender.data[i] ?? GENDER.unknown);
    return i;
  }

  person(r: PersonRecord): number {
    const i = this.personIndex(r.id);
    if (r.name != null) this.personName[i] = r.name;
    if (r.gender === 'M' || r.gender === 'F') this.personGender.set(i, r.gender === 'M' ? GENDER.male : GENDER.female);
    if (r.birthDate) this.personBirth.set(i, dayOfDate(r.birthDate));
    if (r.householdId) this.personHousehold.set(i, this.households.intern(r.householdId));
    if (r.address) this.personAddress.set(i, this.addresses.intern(r.address));
    if (r.region) this.personRegion.set(i, this.region(r.region));
    return i;
  }

  cardIndex(id: string, holderId?: string | null): number {
    const i = this.cards.intern(id);
    if (i >= this.cardHolder.length) this.cardHolder.set(i, NONE);
    if (holderId && this.cardHolder.data[i] === NONE) this.cardHolder.set(i, this.personIndex(holderId));
    return i;
  }

  card(r: CardRecord): number {
    const i = this.cardIndex(r.id);
    if (r.holderId) this.cardHolder.set(i, this.personIndex(r.holderId));
    return i;
  }

  institutionIndex(id: string): number {
    const i = this.institutions.intern(id);
    if (this.instName[i] === undefined) {
      this.instName[i] = id;
      this.instKind.set(i, 255);
    }
    return i;
  }

  institution(r: InstitutionRecord): number {
    const i = this.institutionIndex(r.id);
    if (r.name != null) this.instName[i] = r.name;
    const kind = INSTITUTION_KINDS.indexOf((r.kind ?? '') as (typeof INSTITUTION_KINDS)[number]);
    if (kind >= 0) this.instKind.set(i, kind);
    this.instLevel.set(i, levelRank(r.level));
    if (r.region) this.instRegion.set(i, this.region(r.region));
    if (r.lat != null) this.instLat.set(i, r.lat);
    if (r.lon != null) this.instLon.set(i, r.lon);
    return i;
  }

  doctorIndex(id: string): number {
    const i = this.doctors.intern(id);
    if (this.doctorName[i] === undefined) {
      this.doctorName[i] = '';
      this.doctorDept[i] = '';
      this.doctorInst.set(i, NONE);
    }
    return i;
  }

  doctor(r: DoctorRecord): number {
    const i = this.doctorIndex(r.id);
    if (r.name != null) this.doctorName[i] = r.name;
    if (r.department != null) this.doctorDept[i] = r.department;
    if (r.institutionId) this.doctorInst.set(i, this.institutionIndex(r.institutionId));
    return i;
  }

  itemIndex(id: string): number {
    const i = this.items.intern(id);
    if (this.itemName[i] === undefined) {
      this.itemName[i] = id;
      this.itemCategory[i] = '';
      this.itemGender.set(i, GENDER.unknown);
      this.itemMinAge.set(i, -1);
      this.itemMaxAge.set(i, -1);
    }
    return i;
  }

  item(r: ItemRecord): number {
    const i = this.itemIndex(r.id);
    if (r.name != null) this.itemName[i] = r.name;
    if (r.category != null) this.itemCategory[i] = r.category;
    this.itemGender.set(i, r.gender === 'M' ? GENDER.male : r.gender === 'F' ? GENDER.female : GENDER.unknown);
    this.itemMinAge.set(i, r.minAge ?? -1);
    this.itemMaxAge.set(i, r.maxAge ?? -1);
    this.itemMinLevel.set(i, levelRank(r.minLevel));
    return i;
  }

  claim(r: ClaimRecord): number {
    const i = this.claimHead(r);
    for (const l of r.lines ?? []) {
      this.lItem.push(this.itemIndex(l.itemId));
    }
    this.cLineStart.push(this.lItem.length);
    return i;
  }

  /**
   * `claim` with its item lines given as a list of items, one a line, each named by a number `itemOf`
   * turns into this builder's item index: the Neo4j projection reads lines by the Item's
   * node id, and a million claims' 2.7 million line objects and item-code lookups cost more than the rest
   * of the claim.
   */
  claimFlatLines(r: Omit<ClaimRecord, 'lines'>, flat: readonly unknown[] | null, itemOf: (item: number) => number): number {
    const i = this.claimHead(r);
    if (flat) for (const item of flat) this.lItem.push(itemOf(item as number));
    this.cLineStart.push(this.lItem.length);
    return i;
  }

  private claimHead(r: Omit<ClaimRecord, 'lines'>): number {
    const i = this.claims;
    if (!this.uniqueClaims) {
      if (this.claimIndex.has(r.id)) throw new Error(`claim ${r.id} projected twice`);
      this.claimIndex.set(r.id, i);
    }
    this.pushId(r.id);
    this.cT.push(r.settledAt);
    const kind = CLAIM_KINDS.indexOf(r.kind as ClaimKindName);
    if (kind < 0) throw new Error(`claim ${r.id} has unknown kind "${r.kind}"`);
    this.cKind.push(kind);
    this.cInst.push(this.institutionIndex(r.institutionId));
    this.cDoctor.push(r.doctorId ? this.doctorIndex(r.doctorId) : NONE);
    this.cRx.push(r.rxDoctorId ? this.doctorIndex(r.rxDoctorId) : NONE);
    this.cCard.push(this.cardIndex(r.cardId, r.holderId));
    this.cServed.push(r.servedId ? this.personIndex(r.servedId) : NONE);
    this.cCheck.push(Math.max(0, IDENTITY_CHECKS.indexOf((r.check ?? 'none') as (typeof IDENTITY_CHECKS)[number])));
    let dx = NONE;
    if (r.diagnosisCode) {
      dx = this.diagnoses.intern(r.diagnosisCode);
      const name = r.diagnosisName ?? r.diagnosisCode;
      if (this.diagnosisNames[dx] === undefined) this.diagnosisNames[dx] = name;
      else if (this.diagnosisNames[dx] !== name) this.variedDiagnoses.add(dx);
    }
    this.cDx.push(dx);
    this.cAdmit.push(r.admissionDate ? dayOfDate(r.admissionDate) : NONE);
    this.cDischarge.push(r.dischargeDate ? dayOfDate(r.dischargeDate) : NONE);
    this.cTotal.push(r.total);
    this.cFund.push(r.fund);
    return i;
  }

  /**
   * Appends claim `i` of `src`, a set whose entity tables (persons, cards, institutions, doctors, items)
   * are a prefix of this builder's in the same order, so its entity indices hold here unchanged. The
   * diagnosis is interned again by code, as `claim` would intern it. `diagnosisName` says what name the
   * claim carried and whether that is certain (`varied`: src's claims of the code did not all carry the
   * name src kept); it throws when the claim would be the code's first and its name is not known.
   */
  copyClaim(src: ClaimSet, i: number, diagnosisName: (srcDx: number, claim: number, first: boolean) => { name: string; varied: boolean }, remap?: EntityRemap): number {
    if (remap) return this.copyClaimRemapped(src, i, diagnosisName, remap);
    const c = src.claims;
    const k = this.claims;
    if (!this.uniqueClaims) {
      const id = claimId(c.id, i);
      if (this.claimIndex.has(id)) throw new Error(`claim ${id} projected twice`);
      this.claimIndex.set(id, k);
    }
    const ids = c.id;
    for (let j = ids.start[i]!, end = ids.start[i + 1]!; j < end; j++) this.idBytes.push(ids.bytes[j]!);
    this.idStart.push(this.idBytes.length);
    this.claims++;
    this.cT.push(c.t[i]!);
    this.cKind.push(c.kind[i]!);
    this.cInst.push(c.institution[i]!);
    this.cDoctor.push(c.doctor[i]!);
    this.cRx.push(c.rxDoctor[i]!);
    this.cCard.push(c.card[i]!);
    this.cServed.push(c.served[i]!);
    this.cCheck.push(c.check[i]!);
    const srcDx = c.diagnosis[i]!;
    let dx = NONE;
    if (srcDx >= 0) {
      const code = src.diagnoses.code[srcDx]!;
      const known = this.diagnoses.lookup(code);
      dx = known ?? this.diagnoses.intern(code);
      const { name, varied } = diagnosisName(srcDx, i, known === undefined);
      if (known === undefined) this.diagnosisNames[dx] = name;
      if (varied || this.diagnosisNames[dx] !== name) this.variedDiagnoses.add(dx);
    }
    this.cDx.push(dx);
    this.cAdmit.push(c.admitDay[i]!);
    this.cDischarge.push(c.dischargeDay[i]!);
    this.cTotal.push(c.total[i]!);
    this.cFund.push(c.fund[i]!);
    const l = src.lines;
    for (let j = c.lineStart[i]!, end = c.lineStart[i + 1]!; j < end; j++) {
      this.lItem.push(l.item[j]!);
    }
    this.cLineStart.push(this.lItem.length);
    return k;
  }

  /**
   * `copyClaim` for a src whose entity rows are no longer a prefix of this builder's (an incremental
   * merge placed new rows between them, in node order): each entity index goes through `remap`
   * (src index → this builder's index; a table absent from it kept its rows).
   */
  private copyClaimRemapped(src: ClaimSet, i: number, diagnosisName: (srcDx: number, claim: number, first: boolean) => { name: string; varied: boolean }, remap: EntityRemap): number {
    const c = src.claims;
    const map = (r: Int32Array | undefined, v: number) => (r && v >= 0 ? r[v]! : v);
    const k = this.copyClaim(src, i, diagnosisName);
    this.cInst.data[k] = map(remap.institutions, c.institution[i]!);
    this.cDoctor.data[k] = map(remap.doctors, c.doctor[i]!);
    this.cRx.data[k] = map(remap.doctors, c.rxDoctor[i]!);
    this.cCard.data[k] = map(remap.cards, c.card[i]!);
    this.cServed.data[k] = map(remap.persons, c.served[i]!);
    if (remap.items) {
      const from = this.cLineStart.data[k]!;
      const to = this.cLineStart.data[k + 1]!;
      for (let j = from; j < to; j++) this.lItem.data[j] = map(remap.items, this.lItem.data[j]!);
    }
    return k;
  }

  /** Rows of an entity table so far, in index order. */
  tableKeys(table: EntityTable): readonly string[] {
    return this[table].keys;
  }

  /** Index of `key` in an entity table, or undefined (nothing is interned). */
  indexOf(table: EntityTable, key: string): number | undefined {
    return this[table].lookup(key);
  }

  /**
   * Appends every claim of `part`, a builder that shares this builder's entity tables (`tablesOf`), as
   * `copyClaim` would one by one — diagnoses interned again by code, in the order the part met them,
   * each keeping the name this builder already has — but a column at a time, and emptying the part's
   * columns as it goes: a projection read over two sessions held the second half of the claims twice
   * at the end of its stream (the part's columns, and this builder's sized for every claim). `total`:
   * the claims there will be in all (columns grow to exactly that). The part is unusable afterwards.
   */
  appendFrom(part: ClaimSetBuilder, total: number): void {
    if (!this.uniqueClaims || !part.uniqueClaims) throw new Error('appendFrom needs builders with uniqueClaims');
    const m = part.claims;
    const dxMap = new Int32Array(part.diagnoses.size);
    for (let P = 0; P < part.diagnoses.size; P++) {
      const code = part.diagnoses.keys[P]!;
      const name = part.diagnosisNames[P] ?? '';
      const known = this.diagnoses.lookup(code);
      const dx = known ?? this.diagnoses.intern(code);
      if (known === undefined) this.diagnosisNames[dx] = name;
      if (part.variedDiagnoses.has(P) || this.diagnosisNames[dx] !== name) this.variedDiagnoses.add(dx);
      dxMap[P] = dx;
    }
    const lineBase = this.lItem.length;
    const idBase = this.idBytes.length;
    const lines = part.lItem.length;
    const exactLines = lineBase + lines;
    const plain = [
      [this.cT, part.cT],
      [this.cKind, part.cKind],
      [this.cInst, part.cInst],
      [this.cDoctor, part.cDoctor],
      [this.cRx, part.cRx],
      [this.cCard, part.cCard],
      [this.cServed, part.cServed],
      [this.cCheck, part.cCheck],
      [this.cAdmit, part.cAdmit],
      [this.cDischarge, part.cDischarge],
      [this.cTotal, part.cTotal],
      [this.cFund, part.cFund],
    ] as [Column<Float64Array | Int32Array | Uint8Array>, Column<Float64Array | Int32Array | Uint8Array>][];
    for (const [mine, theirs] of plain) mine.append(theirs.take(), total);
    const dx = part.cDx.take();
    for (let i = 0; i < dx.length; i++) if (dx[i]! >= 0) dx[i] = dxMap[dx[i]!]!;
    this.cDx.append(dx, total);
    const starts = part.cLineStart.take().subarray(1);
    for (let i = 0; i < starts.length; i++) starts[i] = starts[i]! + lineBase;
    this.cLineStart.append(starts, total + 1);
    this.lItem.append(part.lItem.take(), exactLines);
    const idStarts = part.idStart.take().subarray(1);
    for (let i = 0; i < idStarts.length; i++) idStarts[i] = idStarts[i]! + idBase;
    this.idStart.append(idStarts, total + 1);
    const idBytes = part.idBytes.take();
    this.idBytes.append(idBytes, idBase + idBytes.length);
    this.claims += m;
    part.claims = 0;
  }

  /** A traceability code settled by several claims (ids of claims in this set; others are ignored). */
  traceCode(code: string, claimIds: readonly string[]): void {
    if (this.uniqueClaims) throw new Error('a builder with uniqueClaims keeps no claim ids: name trace-code claims by index (traceCodeAt)');
    this.trace.push({ code, claims: [...claimIds] });
  }

  /** A traceability code settled by several claims, named by their indices in this set (a claim twice when it dispensed the code on two lines). */
  traceCodeAt(code: string, claimIndices: readonly number[]): void {
    this.traceAt.push({ code, claims: [...claimIndices] });
  }

  /**
   * Keys the ClaimSet holds only as indices (households, addresses), and for every diagnosis whether
   * its claims named it differently from the name kept: what a snapshot needs to continue the build.
   */
  extras(): { households: string[]; addresses: string[]; diagnosisVaried: Uint8Array } {
    const varied = new Uint8Array(this.diagnoses.size);
    for (const dx of this.variedDiagnoses) varied[dx] = 1;
    return { households: this.households.keys, addresses: this.addresses.keys, diagnosisVaried: varied };
  }

  /**
   * Gives an empty person or card table the rows `keys` (as a set built with them has them) but looks up
   * only the keys in `wanted`: encoding a few changed claims against a snapshot of 430k persons and cards
   * needs their rows' indices, not a dictionary of every key (≈ 0.5 s to build at 1M claims). A claim
   * naming another key adds a row, which `tableSizes` shows.
   */
  presetKeys(table: 'persons' | 'cards', keys: readonly string[], wanted: ReadonlySet<string>): void {
    this[table].preset(keys, wanted);
  }

  /** Rows of the entity tables so far (persons, cards, institutions, doctors, items). */
  tableSizes(): string {
    return [this.persons.size, this.cards.size, this.institutions.size, this.doctors.size, this.items.size].join(',');
  }

  private pushId(id: string): void {
    for (let j = 0; j < id.length; j++) {
      const x = id.charCodeAt(j);
      if (x > 0x7f) {
        this.idBytes.length -= j;
        for (const b of Buffer.from(id, 'utf8')) this.idBytes.push(b);
        break;
      }
      this.idBytes.push(x);
    }
    this.idStart.push(this.idBytes.length);
    this.claims++;
  }

  get claimCount(): number {
    return this.claims;
  }

  build(): ClaimSet {
    const n = this.claims;
    const t = this.cT.done(n);
    const day = new Int32Array(n);
    for (let i = 0; i < n; i++) day[i] = localDay(t[i]!);
    const lines = this.lItem.length;
    const persons = this.persons.size;
    const traceCodes: string[] = [];
    const traceClaims: Int32Array[] = [];
    for (const { code, claims } of this.trace) {
      const idx = claims.map((id) => this.claimIndex.get(id)).filter((x): x is number => x !== undefined);
      if (idx.length < 2) continue;
      traceCodes.push(code);
      traceClaims.push(Int32Array.from(idx).sort());
    }
    for (const { code, claims } of this.traceAt) {
      const idx = claims.filter((x) => x >= 0 && x < n);
      if (idx.length < 2) continue;
      traceCodes.push(code);
      traceClaims.push(Int32Array.from(idx).sort());
    }
    return {
      claims: {
        count: n,
        id: { bytes: this.idBytes.done(this.idBytes.length), start: this.idStart.done(n + 1) },
        t,
        day,
        kind: this.cKind.done(n),
        institution: this.cInst.done(n),
        doctor: this.cDoctor.done(n),
        rxDoctor: this.cRx.done(n),
        card: this.cCard.done(n),
        served: this.cServed.done(n),
        check: this.cCheck.done(n),
        diagnosis: this.cDx.done(n),
        admitDay: this.cAdmit.done(n),
        dischargeDay: this.cDischarge.done(n),
        total: this.cTotal.done(n),
        fund: this.cFund.done(n),
        lineStart: this.cLineStart.done(n + 1),
      },
      lines: { count: lines, item: this.lItem.done(lines) },
      persons: {
        id: this.persons.keys,
        name: fillStrings(this.personName, persons),
        gender: this.personGender.done(persons),
        birthDay: this.personBirth.done(persons),
        household: this.personHousehold.done(persons),
        address: this.personAddress.done(persons),
        region: this.personRegion.done(persons),
      },
      cards: { id: this.cards.keys, holder: this.cardHolder.done(this.cards.size) },
      institutions: {
        id: this.institutions.keys,
        name: fillStrings(this.instName, this.institutions.size),
        kind: this.instKind.done(this.institutions.size),
        level: this.instLevel.done(this.institutions.size),
        region: this.instRegion.done(this.institutions.size),
        lat: this.instLat.done(this.institutions.size),
        lon: this.instLon.done(this.institutions.size),
      },
      doctors: {
        id: this.doctors.keys,
        name: fillStrings(this.doctorName, this.doctors.size),
        institution: this.doctorInst.done(this.doctors.size),
        department: fillStrings(this.doctorDept, this.doctors.size),
      },
      items: {
        id: this.items.keys,
        name: fillStrings(this.itemName, this.items.size),
        category: fillStrings(this.itemCategory, this.items.size),
        gender: this.itemGender.done(this.items.size),
        minAge: this.itemMinAge.done(this.items.size),
        maxAge: this.itemMaxAge.done(this.items.size),
        minLevel: this.itemMinLevel.done(this.items.size),
      },
      diagnoses: { code: this.diagnoses.keys, name: fillStrings(this.diagnosisNames, this.diagnoses.size) },
      regions: { code: this.regions.keys, name: fillStrings(this.regionNames, this.regions.size) },
      traceReuse: { code: traceCodes, claims: traceClaims },
    };
  }
}

function fillStrings(a: string[], n: number): string[] {
  const out = a.slice(0, n);
  for (let i = 0; i < n; i++) if (out[i] === undefined) out[i] = '';
  return out;
}
