import type { RawRecord } from '../read/open-records.ts';
import { AsciiKeySet } from '../bulk/ascii-key-set.ts';
import { CANONICAL_COLUMNS } from '../mapping/canonical-columns.ts';
import { checkRecord, type RowTransform } from './check-record.ts';
import { NATURAL_KEYS } from './natural-keys.ts';
import type { Row, RowKind, RowProblem } from './rows.ts';

export type FileRowVerdict<K extends RowKind> =
  | { ok: true; row: Row<K> }
  | { ok: false; problems: RowProblem[]; duplicate: boolean };

/** Share of a file's rows that may be rejected (identical duplicates aside) before the file fails. */
export const DEFAULT_MAX_REJECT_RATE = 0.05;

/**
 * Rejects every file may have whatever its size: one bad row in a three-row correction file is a bad
 * row, not a broken export. The rate limit is for the file whose layout or content is wrong throughout.
 */
export const REJECTS_ALWAYS_ALLOWED = 10;

/** A file whose rejects exceed the reject-rate limit: the export is broken, not a few of its rows. */
export class RejectRateError extends Error {
  override name = 'RejectRateError';
}

/**
 * 53 bits of a hash of the stored values, column by column in canonical order (absent and empty both
 * hash as empty; the schemas never let an empty text through, nor U+0001, the field separator here):
 * exact enough to tell an identical repeat from a correction. A multiply-xor hash over the characters
 * (cyrb53) costs a fraction of a cryptographic digest of the joined values, on every row of the file.
 */
function digest(row: Record<string, unknown>, columns: readonly string[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const c of columns) {
    const v = row[c];
    const s = typeof v === 'string' ? v : v === undefined ? '' : String(v);
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ 1, 2654435761);
    h2 = Math.imul(h2 ^ 1, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function grown(a: Float64Array<ArrayBuffer>, min: number): Float64Array<ArrayBuffer> {
  if (min < a.length) return a;
  const b = new Float64Array(Math.max(a.length * 2, min + 1));
  b.set(a);
  return b;
}

/**
 * The verdict on each row of one file, the same on every ingest path: the row schema's, then the
 * file's own rule on keys — a row repeating the key of an earlier row of the file is an identical
 * duplicate (counted, not stored again) or a conflicting one (rejected, naming the first line).
 * Corrections belong in a later file, where they replace what the earlier one stored.
 *
 * Keys are ASCII (the schemas allow nothing else in a code, an ID number or a line number), so they
 * live in an AsciiKeySet, the first line and digest of each in typed arrays by key index: millions of
 * item lines cost tens of bytes each and nothing for the garbage collector to trace.
 */
export class FileRowChecker<K extends RowKind> {
  private readonly keys = new AsciiKeySet();
  private firstLines = new Float64Array(1 << 16);
  private digests = new Float64Array(1 << 16);
  private readonly keyColumns: readonly string[];
  private readonly columns: readonly string[];
  rejected = 0;
  duplicates = 0;

  constructor(
    private readonly file: string,
    private readonly kind: K,
    private readonly transform: RowTransform | undefined,
    private readonly maxRejectRate: number,
  ) {
    this.keyColumns = NATURAL_KEYS[kind];
    this.columns = CANONICAL_COLUMNS[kind];
  }

  check(rec: RawRecord): FileRowVerdict<K> {
    const v = checkRecord(this.kind, rec, this.transform);
    if (!v.ok) return this.reject(v.problems, false);
    const row = v.row as Record<string, unknown>;
    const key = this.keyColumns.length === 1 ? String(row[this.keyColumns[0]!]) : this.keyColumns.map((c) => String(row[c])).join('\u0000');
    const d = digest(row, this.columns);
    const i = this.keys.put(key);
    if (i >= 0) {
      this.firstLines = grown(this.firstLines, i);
      this.digests = grown(this.digests, i);
      this.firstLines[i] = rec.line;
      this.digests[i] = d;
      return v;
    }
    const firstLine = this.firstLines[~i]!;
    const field = this.keyColumns.join('+');
    if (this.digests[~i] === d) {
      this.duplicates++;
      return this.reject([{ field, reason: `is an identical duplicate of line ${firstLine} (stored once)` }], true);
    }
    return this.reject([{ field, reason: `repeats the ${field} of line ${firstLine} with different values (correct it in a later file)` }], false);
  }

  private reject(problems: RowProblem[], duplicate: boolean): FileRowVerdict<K> {
    this.rejected++;
    return { ok: false, problems, duplicate };
  }

  /**
   * Throws once the rejects (identical duplicates aside) exceed the limit for a file of `rows` rows:
   * after each reject when the row count is known beforehand, else at the end of the file.
   */
  assertWithinRejectLimit(rows: number): void {
    const bad = this.rejected - this.duplicates;
    const maxRejectRate = this.maxRejectRate;
    if (bad > REJECTS_ALWAYS_ALLOWED && bad > maxRejectRate * rows) {
      throw new RejectRateError(
        `${this.file}: ${bad} of its ${rows} rows are rejected, more than --max-reject-rate ${maxRejectRate} allows; nothing of this file was loaded. ` +
          'See its rejects file; if the rows are rightly rejected and the rest should load, raise --max-reject-rate.',
      );
    }
  }
}
