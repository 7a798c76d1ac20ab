import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LOAD_ORDER } from '../graph/writes/upserts.ts';
import type { RowKind } from './validate/rows.ts';

export interface PlannedFile {
  file: string;
  kind: RowKind;
}

const KIND_BY_BASENAME = new Map<string, RowKind>(LOAD_ORDER.map((k) => [k, k]));
const DATA_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.jsonl', '.ndjson']);

function kindOf(file: string): RowKind | undefined {
  const base = path.basename(file).replace(/\.(csv|tsv|txt|jsonl|ndjson)$/i, '').toLowerCase();
  return KIND_BY_BASENAME.get(base);
}

/**
 * Expands folders and decides what each file holds: the mapping's target when a mapping is given,
 * otherwise the canonical file name (claims.csv, persons.csv …). Returns files in load order.
 */
export function planFiles(inputs: string[], mappingTarget?: RowKind): PlannedFile[] {
  if (inputs.length === 0) throw new Error('no input: name files or folders to ingest');
  const planned: PlannedFile[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch {
      throw new Error(`${input}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      const files = readdirSync(input)
        .filter((f) => DATA_EXTENSIONS.has(path.extname(f).toLowerCase()) && !f.includes('.rejects.'))
        .sort();
      const known = files.filter((f) => mappingTarget ?? kindOf(f));
      if (known.length === 0) throw new Error(`${input}: no ingestible files (expected ${LOAD_ORDER.map((k) => `${k}.csv`).join(', ')})`);
      for (const f of known) planned.push({ file: path.join(input, f), kind: mappingTarget ?? kindOf(f)! });
    } else {
      const kind = mappingTarget ?? kindOf(input);
      if (!kind) {
        throw new Error(`${input}: cannot tell what this file holds; name it after its kind (${LOAD_ORDER.map((k) => `${k}.csv`).join(', ')}) or pass --mapping`);
      }
      planned.push({ file: input, kind });
    }
  }
  return planned.sort((a, b) => LOAD_ORDER.indexOf(a.kind) - LOAD_ORDER.indexOf(b.kind));
}
