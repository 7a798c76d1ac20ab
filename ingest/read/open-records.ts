import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';

export type Encoding = 'utf8' | 'gbk' | 'gb18030';
export type FileFormat = 'csv' | 'tsv' | 'jsonl';

export interface SourceOptions {
  format?: FileFormat;
  encoding?: Encoding;
  delimiter?: string;
  /** Column names for a file that has no header row. */
  columns?: string[];
}

/** One parsed row: the physical line it starts on, and its fields by column name. */
export interface RawRecord {
  line: number;
  fields: Record<string, string>;
}

export class ParseError extends Error {
  override name = 'ParseError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${message}`);
  }
}

export function formatFromName(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  return 'csv';
}

function decodedStream(file: string, encoding: Encoding): Readable {
  const bytes = createReadStream(file, { highWaterMark: 1 << 20 });
  // iconv strips a UTF-8 BOM too, so every encoding takes the same path.
  return bytes.pipe(iconv.decodeStream(encoding === 'utf8' ? 'utf8' : encoding, { stripBOM: true })) as unknown as Readable;
}

/**
 * Streams the records of a CSV/TSV/JSONL file without reading it whole. Quoted fields may contain
 * newlines; line numbers are those of the file, so rejects point at what an operator sees in an editor.
 * A row with the wrong number of fields is yielded with `columnCountError` so it can be rejected, not
 * dropped; a structurally broken file (e.g. an unterminated quote) throws ParseError.
 */
export async function* openRecords(file: string, opts: SourceOptions = {}): AsyncGenerator<RawRecord & { columnCountError?: string }> {
  const format = opts.format ?? formatFromName(file);
  const encoding = opts.encoding ?? 'utf8';
  const input = decodedStream(file, encoding);
  if (format === 'jsonl') {
    yield* jsonLines(file, input);
    return;
  }
  const delimiter = opts.delimiter ?? (format === 'tsv' ? '\t' : ',');
  const parser = input.pipe(
    parse({ delimiter, relax_column_count: true, info: true, skip_empty_lines: true, bom: true, trim: false }),
  );
  let header: string[] | undefined = opts.columns;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; records: number } }>) {
      if (!header) {
        header = record.map((h) => h.trim());
        const dup = header.find((h, i) => header!.indexOf(h) !== i);
        if (dup) throw new ParseError(file, info.lines, `header names column "${dup}" twice`);
        if (header.length < 2) throw new ParseError(file, info.lines, `header has ${header.length} column; is the delimiter "${delimiter === '\t' ? '\\t' : delimiter}" right?`);
        continue;
      }
      // info.lines is the line the record ends on; count back its embedded newlines.
      const newlines = record.reduce((n, f) => n + countNewlines(f), 0);
      const line = info.lines - newlines;
      const fields: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) fields[header[i]!] = record[i] ?? '';
      if (record.length !== header.length) {
        yield { line, fields, columnCountError: `has ${record.length} fields, header has ${header.length}` };
      } else {
        yield { line, fields };
      }
    }
  } catch (err) {
    if (err instanceof ParseError) throw err;
    const e = err as Error & { lines?: number };
    throw new ParseError(file, e.lines, `cannot be parsed as ${format.toUpperCase()} (${encoding}): ${e.message}`);
  }
  if (!header) throw new ParseError(file, undefined, 'is empty (no header row)');
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

async function* jsonLines(file: string, input: Readable): AsyncGenerator<RawRecord & { columnCountError?: string }> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // One bad line in JSONL is a bad row, not a broken file: every other line stands alone.
      yield { line: n, fields: {}, columnCountError: `is not valid JSON: ${(err as Error).message}` };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line: n, fields: {}, columnCountError: 'is not a JSON object' };
      continue;
    }
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) fields[k] = v === null || v === undefined ? '' : String(v);
    yield { line: n, fields };
  }
  if (n === 0) throw new ParseError(file, undefined, 'is empty');
}
