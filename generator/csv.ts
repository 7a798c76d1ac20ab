import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Hand-formatted CSV: the claim files are written at hundreds of thousands of rows a second, and a
 * general-purpose stringifier costs several times what a template string does. Quoting follows RFC 4180.
 */

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRow(values: readonly (string | number)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) line += ',';
    line += typeof v === 'number' ? String(v) : csvField(v as string);
  }
  return line + '\n';
}

/** Integer fen (0.01 yuan) → "123.45"; integers avoid float drift in sums and splits. */
export function yuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen - whole * 100;
  return `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** Coordinates with a fixed number of decimals so output never depends on float printing. */
export function fixed5(x: number): string {
  return x.toFixed(5);
}

/** Buffers rows into large chunks and respects stream backpressure. */
export class CsvFile {
  private parts: string[] = [];
  private pending = 0;
  private readonly stream: WriteStream;
  rows = 0;

  private constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  static async open(path: string, header: readonly string[]): Promise<CsvFile> {
    const file = new CsvFile(path);
    await Promise.race([once(file.stream, 'open'), once(file.stream, 'error').then(([e]) => Promise.reject(e))]);
    file.parts.push(header.join(',') + '\n');
    return file;
  }

  /** Appends an already formatted line (ending in \n). Call flushIfFull() every so often. */
  line(text: string): void {
    // An array joined at flush time: long chains of += build deep ropes that cost more to flatten and collect.
    this.parts.push(text);
    this.pending += text.length;
    this.rows++;
  }

  row(values: readonly (string | number)[]): void {
    this.line(csvRow(values));
  }

  async flushIfFull(limit = 1 << 18): Promise<void> {
    if (this.pending >= limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

const ZERO = 48;

/**
 * Bytes a file may have queued for the disk before the writer waits. With the default 16 KiB every 2 MiB
 * chunk waited for its write to finish, and the generating thread sat idle for each one.
 */
export const WRITE_AHEAD_BYTES = 1 << 24;
const SPARE_BUFFERS = 8;

/**
 * A CSV writer that encodes straight into a byte buffer: the claims files are the hot path, and
 * building strings first costs more in concatenation and garbage collection than the generation itself.
 * Callers write fields and separators themselves; `flushIfFull` between batches applies backpressure.
 */
export class ByteCsvFile {
  private buf: Buffer = Buffer.allocUnsafe(1 << 22);
  private pos = 0;
  /** buffers whose write has finished, reused so the write-ahead does not allocate fresh external memory (which V8 answers with full collections) */
  private readonly spare: Buffer[] = [];
  private readonly stream: WriteStream;
  rows = 0;

  private constructor(path: string) {
    this.stream = createWriteStream(path, { highWaterMark: WRITE_AHEAD_BYTES });
  }

  static async open(path: string, header: readonly string[]): Promise<ByteCsvFile> {
    const file = new ByteCsvFile(path);
    await Promise.race([once(file.stream, 'open'), once(file.stream, 'error').then(([e]) => Promise.reject(e))]);
    file.utf8(header.join(',') + '\n');
    return file;
  }

  /** Room for at least n more bytes; rows are small, so this only grows for a huge batch. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** ASCII only (codes, ids, dates). A plain loop beats a native call for strings this short. */
  ascii(s: string): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  utf8(s: string): void {
    this.reserve(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(b: Uint8Array): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < b.length; i++) buf[pos++] = b[i]!;
    this.pos = pos;
  }

  /** length bytes of src from start: fixed-width fields kept in one big array (ID numbers) */
  slice(src: Uint8Array, start: number, length: number): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start, end = start + length; i < end; i++) buf[pos++] = src[i]!;
    this.pos = pos;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  comma(): void {
    this.buf[this.pos++] = 44;
  }

  endRow(): void {
    this.buf[this.pos++] = 10;
    this.rows++;
  }

  /** Non-negative integer. */
  int(n: number): void {
    // Negative or non-integer input would never reach 0 below: fail loudly instead of spinning.
    if (!(n >= 0) || !Number.isSafeInteger(n)) throw new Error(`cannot write ${n} as a non-negative integer`);
    if (n < 10) {
      this.buf[this.pos++] = ZERO + n;
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits - 1;
    for (let x = n; ; ) {
      const q = Math.floor(x / 10);
      this.buf[p--] = ZERO + (x - q * 10);
      x = q;
      if (x === 0) break;
    }
    this.pos += digits;
  }

  /** Non-negative integer left-padded with zeros to width. */
  padded(n: number, width: number): void {
    const buf = this.buf;
    let p = this.pos + width - 1;
    let x = n;
    let i = 0;
    // Beyond 2^31 digits come off by float division; below it small-integer arithmetic is much cheaper.
    for (; i < width && x > 0x7fffffff; i++) {
      const q = Math.floor(x / 10);
      buf[p--] = ZERO + (x - q * 10);
      x = q;
    }
    for (; i < width; i++) {
      const q = (x / 10) | 0;
      buf[p--] = ZERO + (x - q * 10);
      x = q;
    }
    this.pos += width;
  }

  /** fen → yuan with two decimals */
  yuan(fen: number): void {
    const whole = Math.floor(fen / 100);
    this.int(whole);
    this.buf[this.pos++] = 46;
    this.padded(fen - whole * 100, 2);
  }

  async flushIfFull(limit = 1 << 21): Promise<void> {
    if (this.pos >= limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const full = this.buf;
    const chunk = full.subarray(0, this.pos);
    // The stream keeps a reference to the chunk until written, so continue in another buffer.
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(full.length);
    this.pos = 0;
    const written = () => {
      if (this.spare.length < SPARE_BUFFERS) this.spare.push(full);
    };
    if (!this.stream.write(chunk, written)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
