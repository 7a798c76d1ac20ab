import type { RawRecord } from '../read/open-records.ts';
import { validateRow, type Row, type RowKind, type RowProblem } from './rows.ts';

/** Turns a foreign row into canonical columns (from a mapping file); identity when absent. */
export type RowTransform = (fields: Record<string, string>) => { ok: true; record: Record<string, string> } | { ok: false; field: string; reason: string };

/**
 * One record's verdict, the same for every ingest path: a wrong column count, a mapping failure, or
 * the row schema's problems reject it; otherwise it yields the typed row.
 */
export function checkRecord<K extends RowKind>(kind: K, rec: RawRecord, transform?: RowTransform): { ok: true; row: Row<K> } | { ok: false; problems: RowProblem[] } {
  if (rec.columnCountError) return { ok: false, problems: [{ field: '(row)', reason: rec.columnCountError }] };
  let canonical = rec.fields;
  if (transform) {
    const mapped = transform(rec.fields);
    if (!mapped.ok) return { ok: false, problems: [{ field: mapped.field, reason: mapped.reason }] };
    canonical = mapped.record;
  }
  return validateRow(kind, canonical);
}

/** Reasons are counted by kind, not by value: "exceeds total_amount N" groups every such row. */
export const normaliseReason = (reason: string) => reason.replace(/-?\d+(\.\d+)?/g, 'N');

/** Summary key of a problem. */
export const reasonKey = (field: string, reason: string) => `${field}: ${normaliseReason(reason)}`;
