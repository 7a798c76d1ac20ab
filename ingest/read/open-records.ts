import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.ts';
import { decodedChunks, type Encoding } from './decode.ts';
import { FileError } from './file-error.ts';

export type { Encoding };
export type FileFormat = 'csv' | 'tsv' | 'jsonl';

export interface SourceOptions {
  format?: FileFormat;
  encoding?: Encoding;
  delimiter?: string;
  /** Column names for a file that has no header row. */
  columns?: string[];
  /** Why a header row is not the one expected (missing, unknown or foreign columns); the file is then refused. */
  checkHeader?: (header: readonly string[]) => string | undefined;
}

/** One parsed row: the physical line it starts on, and its fields by column name. */
export interface RawRecord {
  line: number;
  fields: Record<string, string>;
  /** Set when the row has the wrong number of fields: it is rejected, not dropped. */
  columnCountError?: string;
}

export class ParseError extends FileError {
  override name = 'ParseError';
}

export function formatFromName(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  return 'csv';
}

const decodedStream = (file: string, encoding: Encoding): Readable => Readable.from(decodedChunks(file, encoding));

const delimiterOf = (format: FileFormat, opts: SourceOptions) => opts.delimiter ?? (format === 'tsv' ? '\t' : ',');

/** Tokenizes a delimited file chunk by chunk; a syntax error becomes a ParseError naming file and line. */
async function* csvRecordChunks(file: string, opts: SourceOptions, withFields: boolean) {
  const format = opts.format ?? formatFromName(file);
  const encoding = opts.encoding ?? 'auto';
  const tokenizer = new CsvTokenizer(delimiterOf(format, opts), withFields);
  const fail = (err: unknown): never => {
    if (err instanceof FileError) throw err;
    if (err instanceof CsvSyntaxError) throw new ParseError(file, err.line, `cannot be parsed as ${format.toUpperCase()} (${encoding}): ${err.message}`);
    throw new ParseError(file, undefined, `cannot be read as ${format.toUpperCase()} (${encoding}): ${(err as Error).message}`);
  };
  try {
    for await (const chunk of decodedChunks(file, encoding)) yield tokenizer.push(chunk);
    yield tokenizer.push('', true);
  } catch (err) {
    fail(err);
  }
}

/**
 * Turns a header into a row builder compiled once per file: one object literal of fixed shape per
 * row is much cheaper than growing an object field by field, and every row shares a hidden class.
 * Column names only ever appear as JSON string literals in the generated code.
 */
function rowBuilder(header: string[]): (values: string[]) => Record<string, string> {
  const body = `return {${header.map((h, i) => `${JSON.stringify(h)}: v[${i}] ?? ''`).join(', ')}};`;
  return new Function('v', body) as (values: string[]) => Record<string, string>;
}

function checkHeader(file: string, line: number, header: string[], delimiter: string, expected: SourceOptions['checkHeader']): void {
  if (header.length < 2) throw new ParseError(file, line, `header has ${header.length} column; is the delimiter "${delimiter === '\t' ? '\\t' : delimiter}" right?`);
  // Before the duplicate check: a data row taken for a header often repeats a value (two empty fields).
  const problem = expected?.(header);
  if (problem) throw new ParseError(file, line, `${problem}; nothing of this file was loaded`);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new ParseError(file, line, `header names column "${dup}" twice`);
}

/**
 * Streams the records of a CSV/TSV/JSONL file without reading it whole, a chunk of records at a time
 * (per-record async iteration costs more than parsing a short line). Quoted fields may contain
 * newlines; line numbers are those of the file, so rejects point at what an operator sees in an
 * editor. A row with the wrong number of fields carries `columnCountError` so it can be rejected, not
 * dropped; a structurally broken file (e.g. an unterminated quote) throws ParseError.
 */
export async function* openRecordChunks(file: string, opts: SourceOptions = {}): AsyncGenerator<RawRecord[]> {
  const format = opts.format ?? formatFromName(file);
  if (format === 'jsonl') {
    yield* jsonLineChunks(file, decodedStream(file, opts.encoding ?? 'auto'));
    return;
  }
  const delimiter = delimiterOf(format, opts);
  let header: string[] | undefined = opts.columns;
  let build = header ? rowBuilder(header) : undefined;
  for await (const records of csvRecordChunks(file, opts, true)) {
    const out: RawRecord[] = new Array(records.length);
    let n = 0;
    for (const { line, fields: values } of records) {
      if (!header) {
        header = values.map((h) => h.trim());
        checkHeader(file, line, header, delimiter, opts.checkHeader);
        build = rowBuilder(header);
        continue;
      }
      const fields = build!(values);
      out[n++] = values.length === header.length ? { line, fields } : { line, fields, columnCountError: `has ${values.length} fields, header has ${header.length}` };
    }
    out.length = n;
    if (n) yield out;
  }
  if (!header) throw new ParseError(file, undefined, 'is empty (no header row)');
}

/** Record by record, for callers that want one at a time. */
export async function* openRecords(file: string, opts: SourceOptions = {}): AsyncGenerator<RawRecord> {
  for await (const chunk of openRecordChunks(file, opts)) yield* chunk;
}

/**
 * Counts the data rows of a file with the same tokenizer the load uses, but without building fields:
 * it proves the whole file parses (throwing the same ParseError the load would) before anything is written.
 */
export async function countRecords(file: string, opts: SourceOptions = {}): Promise<number> {
  const format = opts.format ?? formatFromName(file);
  if (format === 'jsonl') {
    let n = 0;
    for await (const chunk of openRecordChunks(file, opts)) n += chunk.length;
    return n;
  }
  // The header is checked on its own first: the count below tokenizes without building fields.
  if (!opts.columns) {
    for await (const chunk of openRecordChunks(file, opts)) {
      void chunk;
      break;
    }
  }
  let n = 0;
  for await (const records of csvRecordChunks(file, opts, false)) n += records.length;
  if (n === 0 && !opts.columns) throw new ParseError(file, undefined, 'is empty (no header row)');
  return opts.columns ? n : n - 1;
}

async function* jsonLineChunks(file: string, input: Readable): AsyncGenerator<RawRecord[]> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let chunk: RawRecord[] = [];
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    chunk.push(jsonRecord(n, text));
    if (chunk.length >= 1000) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
  if (n === 0) throw new ParseError(file, undefined, 'is empty');
}

function jsonRecord(line: number, text: string): RawRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // One bad line in JSONL is a bad row, not a broken file: every other line stands alone.
    return { line, fields: {}, columnCountError: `is not valid JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { line, fields: {}, columnCountError: 'is not a JSON object' };
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) fields[k] = v === null || v === undefined ? '' : String(v);
  return { line, fields };
}
