import { formatFromName, type SourceOptions } from './read/open-records.ts';
import { canonicalHeaderCheck, mappingHeaderCheck } from './validate/header.ts';
import type { RowKind } from './validate/rows.ts';

/**
 * How to read one file of a load: the shared options plus the header it must have — its kind's
 * canonical columns, or every source column of the mapping. JSONL has no header; a file read with
 * given column names (a mapping's `names`) has none either.
 */
export function sourceForFile(file: string, kind: RowKind, opts: SourceOptions, mappingSourceColumns: readonly string[] | undefined): SourceOptions {
  if ((opts.format ?? formatFromName(file)) === 'jsonl' || opts.columns) return opts;
  return { ...opts, checkHeader: mappingSourceColumns ? mappingHeaderCheck(mappingSourceColumns) : canonicalHeaderCheck(kind) };
}
