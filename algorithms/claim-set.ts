/**
 * The in-memory projection every detector reads: claims as columns of typed arrays, entities as
 * dictionary-encoded tables (index ↔ natural key). Built once per run by `graph/projection` (from
 * Neo4j) and passed around read-only; detectors never see a driver.
 *
 * Days are whole days since 1970-01-01 in China time (+08:00), so "the same day" means the local
 * calendar day a bureau's settlement log shows.
 */

export const CLAIM_KINDS = ['outpatient', 'inpatient', 'pharmacy'] as const;
export type ClaimKindName = (typeof CLAIM_KINDS)[number];
export const KIND = { outpatient: 0, inpatient: 1, pharmacy: 2 } as const;

export const IDENTITY_CHECKS = ['none', 'real_name', 'face'] as const;

export const INSTITUTION_KINDS = ['hospital', 'clinic', 'pharmacy'] as const;
export const INST_KIND = { hospital: 0, clinic: 1, pharmacy: 2 } as const;

/** tertiary 3, secondary 2, primary 1, none/unknown 0 (pharmacies) */
export function levelRank(level: string | null | undefined): number {
  return level === 'tertiary' ? 3 : level === 'secondary' ? 2 : level === 'primary' ? 1 : 0;
}

export const GENDER = { male: 0, female: 1, unknown: 255 } as const;
export const NONE = -1;
/** A day number that means "not known": day numbers before 1970 are negative, so −1 cannot be the sentinel. */
export const UNKNOWN_DAY = -2147483648;

/**
 * Claim ids as one UTF-8 byte buffer with offsets: claim i's id is bytes[start[i]] … bytes[start[i + 1] − 1].
 * A string per claim cost ≈ 40 B of the 178 B a claim took at 1M (V8's header, the characters and the
 * array slot) and a million objects for every major GC to mark; detectors never read ids, only ring
 * assembly does, for the few claims of a ring (`claimId`).
 */
export interface ClaimIds {
  bytes: Uint8Array;
  start: Int32Array;
}

/** The id of claim `i`. */
export function claimId(ids: ClaimIds, i: number): string {
  const from = ids.start[i]!;
  const to = ids.start[i + 1]!;
  const b = ids.bytes;
  let s = '';
  for (let j = from; j < to; j++) {
    const x = b[j]!;
    if (x > 0x7f) return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('utf8');
    s += String.fromCharCode(x);
  }
  return s;
}

/** Every claim id, in claim order (tests, small sets). */
export function claimIdList(ids: ClaimIds): string[] {
  return Array.from({ length: ids.start.length - 1 }, (_, i) => claimId(ids, i));
}

/** Index of the claim with id `id`, or −1 (a scan: tests and small sets). */
export function claimIndexOf(ids: ClaimIds, id: string): number {
  for (let i = 0; i < ids.start.length - 1; i++) if (claimId(ids, i) === id) return i;
  return -1;
}

export interface ClaimColumns {
  count: number;
  id: ClaimIds;
  /** epoch seconds */
  t: Float64Array;
  /** local (+08:00) day number */
  day: Int32Array;
  kind: Uint8Array;
  institution: Int32Array;
  doctor: Int32Array;
  /** prescriber of an external prescription filled at a pharmacy */
  rxDoctor: Int32Array;
  card: Int32Array;
  /** person recorded as actually served (identity check), NONE where not recorded */
  served: Int32Array;
  check: Uint8Array;
  diagnosis: Int32Array;
  admitDay: Int32Array;
  dischargeDay: Int32Array;
  total: Float64Array;
  fund: Float64Array;
  /** item lines of claim i are lineStart[i] … lineStart[i+1]-1 */
  lineStart: Int32Array;
}

/**
 * A claim's item lines: which items it billed, one entry a line. No detector reads a line's quantity or
 * amount, so the projection neither reads nor keeps them (12 bytes a line, ≈ 32 a claim: 160 MB at 5M
 * claims); the claim's total and fund share are the claim's columns.
 */
export interface LineColumns {
  count: number;
  item: Int32Array;
}

export interface PersonTable {
  id: string[];
  name: string[];
  gender: Uint8Array;
  /** local day number of the birth date (negative before 1970), UNKNOWN_DAY when unknown */
  birthDay: Int32Array;
  household: Int32Array;
  address: Int32Array;
  region: Int32Array;
}

export interface CardTable {
  id: string[];
  holder: Int32Array;
}

export interface InstitutionTable {
  id: string[];
  name: string[];
  kind: Uint8Array;
  level: Uint8Array;
  region: Int32Array;
  lat: Float64Array;
  lon: Float64Array;
}

export interface DoctorTable {
  id: string[];
  name: string[];
  institution: Int32Array;
  department: string[];
}

export interface ItemTable {
  id: string[];
  name: string[];
  category: string[];
  /** GENDER.male / female, or GENDER.unknown when unrestricted */
  gender: Uint8Array;
  minAge: Int16Array;
  maxAge: Int16Array;
  /** levelRank of the minimum institution level, 0 when unrestricted */
  minLevel: Uint8Array;
}

export interface DiagnosisTable {
  code: string[];
  name: string[];
}

/** Traceability codes settled by more than one claim: the only ones a detector needs. */
export interface TraceCodeReuse {
  code: string[];
  /** claims (indices) that dispensed code k */
  claims: Int32Array[];
}

export interface ClaimSet {
  claims: ClaimColumns;
  lines: LineColumns;
  persons: PersonTable;
  cards: CardTable;
  institutions: InstitutionTable;
  doctors: DoctorTable;
  items: ItemTable;
  diagnoses: DiagnosisTable;
  regions: { code: string[]; name: string[] };
  traceReuse: TraceCodeReuse;
}

export const DAY_SECONDS = 86_400;
const CHINA_OFFSET = 8 * 3600;

export function localDay(epochSeconds: number): number {
  return Math.floor((epochSeconds + CHINA_OFFSET) / DAY_SECONDS);
}

/** "YYYY-MM-DD" → local day number (the date itself, no time zone shift). */
export function dayOfDate(iso: string): number {
  return Math.floor(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / (DAY_SECONDS * 1000));
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10);
}

/** Whole years of age on a local day. */
export function ageOnDay(birthDay: number, day: number): number {
  const b = new Date(birthDay * DAY_SECONDS * 1000);
  const d = new Date(day * DAY_SECONDS * 1000);
  let age = d.getUTCFullYear() - b.getUTCFullYear();
  if (d.getUTCMonth() < b.getUTCMonth() || (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

/** Holder of the card a claim was charged to. */
export function claimHolder(set: ClaimSet, claim: number): number {
  return set.cards.holder[set.claims.card[claim]!]!;
}

/** Lines of a claim as [start, end). */
export function lineRange(set: ClaimSet, claim: number): [number, number] {
  return [set.claims.lineStart[claim]!, set.claims.lineStart[claim + 1]!];
}

/** Great-circle distance in km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  if (!Number.isFinite(lat1 + lon1 + lat2 + lon2)) return Number.NaN;
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Claim indices grouped by a key column (e.g. institution), each group in claim order. CSR layout. */
export function groupClaims(key: Int32Array, groups: number, order?: ArrayLike<number>): { start: Int32Array; members: Int32Array } {
  const start = new Int32Array(groups + 1);
  const n = order ? order.length : key.length;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k]! : k;
    const g = key[i]!;
    if (g >= 0) start[g + 1]!++;
  }
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, groups);
  const members = new Int32Array(start[groups]!);
  for (let k = 0; k < n; k++) {
    const i = order ? order[k]! : k;
    const g = key[i]!;
    if (g >= 0) members[fill[g]!++] = i;
  }
  return { start, members };
}

/**
 * Two typed arrays of one kind end to end. A spread (`Int32Array.from([...a, ...b])`) builds a plain
 * array of every element first: garbage of one element per claim or edge, at city scale millions.
 */
export function concatenated<T extends Int32Array | Float64Array>(a: T, b: T): T {
  const out = new (a.constructor as new (n: number) => T)(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const timeOrders = new WeakMap<ClaimSet, Int32Array>();

/**
 * Claim indices sorted by settlement time (stable), computed once per ClaimSet and shared by every
 * detector that walks claims in time order. Read-only: callers copy before reordering.
 */
export function claimsByTime(set: ClaimSet): Int32Array {
  const hit = timeOrders.get(set);
  if (hit) return hit;
  const idx = Int32Array.from({ length: set.claims.count }, (_, i) => i);
  const t = set.claims.t;
  idx.sort((a, b) => t[a]! - t[b]! || a - b);
  timeOrders.set(set, idx);
  return idx;
}
