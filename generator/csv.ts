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
  private buffer = '';
  private readonly stream: WriteStream;
  rows = 0;

  private constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  static async open(path: string, header: readonly string[]): Promise<CsvFile> {
    const file = new CsvFile(path);
    await Promise.race([once(file.stream, 'open'), once(file.stream, 'error').then(([e]) => Promise.reject(e))]);
    file.buffer = header.join(',') + '\n';
    return file;
  }

  /** Appends an already formatted line (ending in \n). Call flushIfFull() every so often. */
  line(text: string): void {
    this.buffer += text;
    this.rows++;
  }

  row(values: readonly (string | number)[]): void {
    this.line(csvRow(values));
  }

  async flushIfFull(limit = 1 << 20): Promise<void> {
    if (this.buffer.length >= limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
