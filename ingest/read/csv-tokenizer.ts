/**
 * An RFC 4180 CSV tokenizer over decoded text chunks, written for ingest speed: a line without a
 * quote character (nearly every line of a settlement export) is one `indexOf` plus one `split`;
 * only lines holding a quote go through the character-by-character state machine.
 *
 * It follows csv-parse's rules with the options the ingest used before (quote and escape `"`,
 * strict quotes, any column count, empty lines skipped; test/unit/csv-tokenizer.test.ts compares the
 * two on tricky inputs):
 * - a field that starts with `"` is quoted; `""` inside it is one `"`; it may span lines;
 * - after a closing quote only the delimiter, a line break or the end of input may follow;
 * - a `"` inside an unquoted field is an error;
 * - a quote still open at the end of input is an error;
 * - line breaks are `\n` or `\r\n` (or a lone `\r` when that is the file's first line break).
 *
 * The survey pass runs the same tokenizer with `fields: false`: identical decisions about where
 * records end and what is malformed, without building the field strings. That is what lets the
 * survey prove a file parses before anything is written.
 */

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CsvRecord {
  /** Physical line (1-based) the record starts on. */
  line: number;
  fields: string[];
}

const QUOTE = '"';

export class CsvTokenizer {
  private buf = '';
  private pos = 0;
  /** Line number of `pos` (1-based). */
  private line = 1;
  /** `\n` (also covers `\r\n`) or `\r`; decided at the first line break seen. */
  private eol: '\n' | '\r' | undefined;
  /** Position of the next quote at or after `pos`, -1 when none in `buf`; avoids rescanning. */
  private nextQuote = -2;

  constructor(
    private readonly delimiter: string,
    /** false: only find record boundaries and syntax errors (the survey pass). */
    private readonly fields = true,
  ) {
    if (delimiter.length !== 1 || delimiter === QUOTE || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
    }
  }

  /**
   * Feeds decoded text; returns the records completed by it. With `last`, the end of input ends
   * the final record and an open quote is an error.
   */
  push(chunk: string, last = false): CsvRecord[] {
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + chunk : chunk;
    this.pos = 0;
    this.nextQuote = -2;
    if (this.eol === undefined) this.detectEol(last);
    const out: CsvRecord[] = [];
    const buf = this.buf;
    const len = buf.length;
    const eol = this.eol ?? '\n';
    while (this.pos < len) {
      const start = this.pos;
      const brk = buf.indexOf(eol, start);
      if (brk === -1 && !last) break;
      const lineEnd = brk === -1 ? len : brk;
      if (this.nextQuote !== -1 && this.nextQuote < start) this.nextQuote = buf.indexOf(QUOTE, start);
      if (this.nextQuote === -1 || this.nextQuote >= lineEnd) {
        // Fast path: a whole line without quotes is one record (or an empty line, skipped).
        const end = eol === '\n' && lineEnd > start && buf.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
        if (end > start) out.push({ line: this.line, fields: this.fields ? buf.slice(start, end).split(this.delimiter) : [] });
        this.pos = brk === -1 ? len : brk + 1;
        this.line++;
        continue;
      }
      const rec = this.quotedRecord(start, last);
      if (!rec) break; // needs more input
      out.push(rec);
    }
    return out;
  }

  private detectEol(last: boolean): void {
    const n = this.buf.indexOf('\n');
    const r = this.buf.indexOf('\r');
    if (r !== -1 && (n === -1 || r < n - 1) && (r + 1 < this.buf.length || last)) this.eol = '\r';
    else if (n !== -1) this.eol = '\n';
  }

  /** The state machine, for a record that holds a quote; undefined when the record is not complete yet. */
  private quotedRecord(start: number, last: boolean): CsvRecord | undefined {
    const buf = this.buf;
    const len = buf.length;
    const eol = this.eol ?? '\n';
    const d = this.delimiter;
    const fields: string[] = [];
    const startLine = this.line;
    let line = this.line;
    let i = start;
    for (;;) {
      // At the start of a field.
      if (i < len && buf[i] === QUOTE) {
        const openedOn = line;
        let value = '';
        let from = i + 1;
        let j = from;
        for (;;) {
          const q = buf.indexOf(QUOTE, j);
          if (q === -1 || q + 1 >= len) {
            if (!last) return undefined;
            if (q === -1) throw new CsvSyntaxError(openedOn, `quote opened on line ${openedOn} is never closed`);
          }
          line += countBreaks(buf, j, q, eol);
          if (buf[q + 1] === QUOTE) {
            if (this.fields) value += buf.slice(from, q + 1);
            from = j = q + 2;
            continue;
          }
          if (this.fields) value += buf.slice(from, q);
          i = q + 1;
          break;
        }
        fields.push(value);
        if (i >= len) {
          if (!last) return undefined;
          return this.finish(startLine, line, len, fields);
        }
        const c = buf[i]!;
        if (c === d) {
          i++;
          continue;
        }
        const brkLen = breakAt(buf, i, eol);
        if (brkLen === -1) {
          if (!last) return undefined; // a `\r` at the chunk end: wait for a possible `\n`
          throw new CsvSyntaxError(line, `line ${line}: unexpected character ${JSON.stringify(c)} after a closing quote`);
        }
        if (brkLen > 0) return this.finish(startLine, line + 1, i + brkLen, fields);
        throw new CsvSyntaxError(line, `line ${line}: unexpected character ${JSON.stringify(c)} after a closing quote`);
      }
      // Unquoted field: runs to the next delimiter or line break; a quote inside it is an error.
      let j = i;
      for (;;) {
        if (j >= len) {
          if (!last) return undefined;
          fields.push(this.fields ? buf.slice(i, j) : '');
          return this.finish(startLine, line, len, fields);
        }
        const c = buf[j]!;
        if (c === d) {
          fields.push(this.fields ? buf.slice(i, j) : '');
          i = j + 1;
          break;
        }
        if (c === QUOTE) throw new CsvSyntaxError(line, `line ${line}: quote inside an unquoted field (quote the whole field and double inner quotes)`);
        const brkLen = breakAt(buf, j, eol);
        if (brkLen === -1) {
          if (!last) return undefined;
          j++;
          continue;
        }
        if (brkLen > 0) {
          fields.push(this.fields ? buf.slice(i, j) : '');
          return this.finish(startLine, line + 1, j + brkLen, fields);
        }
        j++;
      }
    }
  }

  private finish(startLine: number, nextLine: number, nextPos: number, fields: string[]): CsvRecord {
    this.pos = nextPos;
    this.line = nextLine;
    return { line: startLine, fields: this.fields ? fields : [] };
  }
}

/**
 * Length of the line break at `i` (0 if none; -1 if `i` is a `\r` at the end of the buffer, where
 * a following `\n` may still arrive).
 */
function breakAt(buf: string, i: number, eol: '\n' | '\r'): number {
  const c = buf.charCodeAt(i);
  if (eol === '\n') {
    if (c === 10) return 1;
    if (c === 13) {
      if (i + 1 >= buf.length) return -1;
      return buf.charCodeAt(i + 1) === 10 ? 2 : 0;
    }
    return 0;
  }
  return c === 13 ? 1 : 0;
}

function countBreaks(buf: string, from: number, to: number, eol: string): number {
  let n = 0;
  const end = to === -1 ? buf.length : to;
  for (let k = buf.indexOf(eol, from); k !== -1 && k < end; k = buf.indexOf(eol, k + 1)) n++;
  return n;
}
