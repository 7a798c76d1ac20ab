import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Encoding, FileFormat } from './read/open-records.ts';
import type { RowTransform } from './run-ingest.ts';
import { compileMapping } from './mapping/apply.ts';
import { loadMapping } from './mapping/load.ts';
import type { Mapping } from './mapping/schema.ts';

const sourceColumnsOf = (mapping: Mapping): string[] => [
  ...new Set([...Object.values(mapping.columns).flatMap((rule) => (rule.from === undefined ? [] : [rule.from].flat())), ...mapping.split.map((s) => s.from)]),
];

export interface IngestMapping {
  ingest: {
    target: import('./validate/rows.ts').RowKind;
    transform: RowTransform;
    fingerprint: string;
    /** Every source column the mapping reads: a header must hold them all. */
    sourceColumns: string[];
  };
  encoding: Encoding;
  format: FileFormat;
  delimiter: string | undefined;
  /** Column names of a file without a header row. */
  columns: string[] | undefined;
}

/** A mapping file, ready for the ingest: its row transform, its file hints, and a fingerprint for checkpoints. */
export async function mappingForIngest(file: string): Promise<IngestMapping> {
  const mapping = await loadMapping(file);
  if (mapping.target === 'credit_indicators' || mapping.target === 'doctor_credit_indicators') throw new Error(`${file}: a ${mapping.target} mapping is for \`ringlens rate import\`, not for ingest`);
  const fingerprint = createHash('sha256').update(readFileSync(file)).digest('hex');
  return {
    ingest: { target: mapping.target as Exclude<typeof mapping.target, 'credit_indicators' | 'doctor_credit_indicators'>, transform: compileMapping(mapping), fingerprint, sourceColumns: sourceColumnsOf(mapping) },
    encoding: mapping.format.encoding,
    format: mapping.format.type,
    delimiter: mapping.format.delimiter,
    columns: mapping.format.header ? undefined : mapping.format.names,
  };
}
