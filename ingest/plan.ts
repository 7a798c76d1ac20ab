import { accessSync, constants, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { LOAD_ORDER } from '../graph/writes/upserts.ts';
import { FileError } from './read/file-error.ts';
import type { RowKind } from './validate/rows.ts';

export interface PlannedFile {
  file: string;
  kind: RowKind;
  /** Name of the file's rejects file: its base name, numbered when two files of the run share one. */
  rejectsName: string;
}

const KIND_BY_BASENAME = new Map<string, RowKind>(LOAD_ORDER.map((k) => [k, k]));
const DATA_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.jsonl', '.ndjson']);

function kindOf(file: string): RowKind | undefined {
  const base = path.basename(file).replace(/\.(csv|tsv|txt|jsonl|ndjson)$/i, '').toLowerCase();
  return KIND_BY_BASENAME.get(base);
}

/** Why a path cannot be opened, in words (a symlink loop, a missing target, no permission …). */
function statOrExplain(p: string): Stats {
  try {
    return statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file or folder (or a symlink to nothing)' : code === 'ELOOP' ? 'is a symlink loop' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new FileError(p, undefined, why);
  }
}

/** A data file must be a readable regular file (a symlink to one is fine). */
function checkDataFile(file: string, kind: RowKind): void {
  const stat = statOrExplain(file);
  if (stat.isDirectory()) throw new FileError(file, undefined, `is a folder where a ${kind} file is expected`);
  if (!stat.isFile()) throw new FileError(file, undefined, `is not a regular file (a device, socket or pipe) where a ${kind} file is expected`);
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new FileError(file, undefined, 'cannot be read: permission denied');
  }
}

/**
 * Expands folders and decides what each file holds: the mapping's target when a mapping is given,
 * otherwise the canonical file name (claims.csv, persons.csv …). Returns files in load order.
 */
export function planFiles(inputs: string[], mappingTarget?: RowKind): PlannedFile[] {
  if (inputs.length === 0) throw new Error('no input: name files or folders to ingest');
  const planned: Omit<PlannedFile, 'rejectsName'>[] = [];
  for (const input of inputs) {
    const stat = statOrExplain(input);
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
  for (const p of planned) checkDataFile(p.file, p.kind);
  const seen = new Map<string, number>();
  return planned
    .sort((a, b) => LOAD_ORDER.indexOf(a.kind) - LOAD_ORDER.indexOf(b.kind))
    .map((p) => {
      const base = path.basename(p.file);
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return { ...p, rejectsName: n === 1 ? base : `${base}.${n}` };
    });
}
