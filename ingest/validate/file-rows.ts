import { hash } from 'node:crypto';
import type { RawRecord } from '../read/open-records.ts';
import { KeyMap } from '../bulk/key-set.ts';
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

// 48 bits of SHA-1 of the stored values (in schema order; absent and empty both print empty, and the
// schemas never let an empty text through): exact enough to tell an identical repeat from a
// correction. Joining the values costs half of JSON.stringify, the hash most of the rest.
const digest = (row: object) => hash('sha1', Object.values(row).join('\u0001'), 'buffer').readUIntBE(0, 6);

/**
 * The verdict on each row of one file, the same on every ingest path: the row schema's, then the
 * file's own rule on keys — a row repeating the key of an earlier row of the file is an identical
 * duplicate (counted, not stored again) or a conflicting one (rejected, naming the first line).
 * Corrections belong in a later file, where they replace what the earlier one stored.
 */
export class FileRowChecker<K extends RowKind> {
  private readonly seen = new KeyMap<{ line: number; digest: number }>();
  private readonly keyColumns: readonly string[];
  rejected = 0;
  duplicates = 0;

  constructor(
    private readonly file: string,
    private readonly kind: K,
    private readonly transform: RowTransform | undefined,
    private readonly maxRejectRate: number,
  ) {
    this.keyColumns = NATURAL_KEYS[kind];
  }

  check(rec: RawRecord): FileRowVerdict<K> {
    const v = checkRecord(this.kind, rec, this.transform);
    if (!v.ok) return this.reject(v.problems, false);
    const row = v.row as Record<string, unknown>;
    const key = this.keyColumns.length === 1 ? String(row[this.keyColumns[0]!]) : this.keyColumns.map((c) => String(row[c])).join('\u0000');
    const d = digest(row);
    const first = this.seen.get(key);
    if (!first) {
      this.seen.set(key, { line: rec.line, digest: d });
      return v;
    }
    const field = this.keyColumns.join('+');
    if (first.digest === d) {
      this.duplicates++;
      return this.reject([{ field, reason: `is an identical duplicate of line ${first.line} (stored once)` }], true);
    }
    return this.reject([{ field, reason: `repeats the ${field} of line ${first.line} with different values (correct it in a later file)` }], false);
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
        `${this.file}: ${bad} of its ${rows} rows are rejected, more than --max-reject-rate ${maxRejectRate} allows; the file was stopped there. ` +
          'See its rejects file; if the rows are rightly rejected and the rest should load, raise --max-reject-rate.',
      );
    }
  }
}
