import { appendFileSync, closeSync, createReadStream, openSync, renameSync, writeSync } from 'node:fs';
import { CsvTokenizer } from '../read/csv-tokenizer.ts';

/**
 * CSV files in the dialect `neo4j-admin database import` reads with its defaults: comma, `"` quotes
 * doubled inside a quoted value (RFC 4180), an empty unquoted field for "no property". Values never
 * hold the empty string (the row schemas reject empty text), so empty always means absent.
 */

const NEEDS_QUOTES = /[",\r\n]/;
const LINE_BREAK = /[\r\n]/;

/** One field: numbers and dates as they print, text quoted when it holds a comma, quote or line break. */
export function field(v: string | number | undefined | null): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return String(v);
  return NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Whether a value needs the importer's (slower) multi-line parsing. */
export const hasLineBreak = (v: string | undefined) => v !== undefined && LINE_BREAK.test(v);

/**
 * An importer input file written with synchronous, buffered writes: a worker thread does nothing else
 * while it writes, and one large write per megabyte costs less than a stream's per-chunk bookkeeping.
 */
export class ImporterCsv {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  rows = 0;

  constructor(
    readonly path: string,
    readonly header: string,
  ) {
    this.fd = openSync(path, 'w');
    this.parts.push(`${header}\n`);
  }

  /** Appends one row given as its fields already formatted with `field()`, joined by commas. */
  line(text: string): void {
    this.rows++;
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Rewrites an importer file so that, among rows whose first field is one of `affected`, only the last
 * row per key (its first `keyFields` fields) remains. This is MERGE's "later row wins" for the few keys
 * that occur more than once; every other row is copied as it is. Runs only when there are such keys.
 */
export async function keepLastPerKey(file: string, keyFields: number, affected: ReadonlySet<string>): Promise<number> {
  return rewriteRows(file, affected, (fields) => fields.slice(0, keyFields).join('\u0000'));
}

/**
 * Rewrites an importer file without the rows whose first field is one of `affected`, then appends
 * `replacement` rows (already formatted): a repeated claim's latest relationships replace all of its
 * earlier ones, including a relationship the latest row no longer has. Returns the rows removed.
 */
export async function replaceRowsOf(file: string, affected: ReadonlySet<string>, replacement: readonly string[]): Promise<number> {
  const dropped = await rewriteRows(file, affected, undefined);
  if (replacement.length) appendFileSync(file, replacement.map((r) => `${r}\n`).join(''));
  return dropped;
}

/** Copies the rows of unaffected keys; of affected ones keeps the last per `keyOf`, or none when it is undefined. */
async function rewriteRows(file: string, affected: ReadonlySet<string>, keyOf: ((fields: string[]) => string) | undefined): Promise<number> {
  const tmp = `${file}.dedup`;
  let out: ImporterCsv | undefined;
  const tokenizer = new CsvTokenizer(',', true);
  const last = new Map<string, string>();
  let dropped = 0;
  const take = (fields: string[]) => {
    const text = fields.map((f) => field(f === '' ? undefined : f)).join(',');
    if (!out) {
      out = new ImporterCsv(tmp, text);
      return;
    }
    if (!affected.has(fields[0]!)) {
      out.line(text);
      return;
    }
    if (!keyOf) {
      dropped++;
      return;
    }
    const key = keyOf(fields);
    if (last.has(key)) dropped++;
    last.delete(key);
    last.set(key, text);
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    for (const r of tokenizer.push(chunk as string)) take(r.fields);
  }
  for (const r of tokenizer.push('', true)) take(r.fields);
  if (!out) return 0;
  for (const text of last.values()) out.line(text);
  out.close();
  renameSync(tmp, file);
  return dropped;
}
