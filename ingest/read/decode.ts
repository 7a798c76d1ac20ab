import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { FileError } from './file-error.ts';

/** `auto` (the default) detects UTF-8 (with or without BOM) and GB18030/GBK from the file's bytes. */
export type Encoding = 'auto' | 'utf8' | 'gbk' | 'gb18030';
export type ResolvedEncoding = Exclude<Encoding, 'auto'>;

/** The file's bytes are not text in the encoding it is read with: nothing of it may be stored. */
export class EncodingError extends FileError {
  override name = 'EncodingError';
}

const LF = 0x0a;
const CR = 0x0d;
const SAMPLE_BYTES = 1 << 20;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const hasNonAscii = (bytes: Uint8Array) => bytes.some((b) => b >= 0x80);

/**
 * What bytes that are not UTF-8 probably are, in the words an operator would pass to --encoding: a
 * line that decodes as GB18030 without a loss is GB18030/GBK (one such field is too short for a
 * statistical guess); otherwise chardet's best guess.
 */
function likelyEncoding(bytes: Uint8Array, line?: Buffer): string {
  if (line && hasNonAscii(line) && !iconv.decode(line, 'gb18030').includes('\uFFFD')) return 'GB18030/GBK (--encoding gb18030)';
  const best = chardet.analyse(bytes)[0];
  if (!best) return 'unknown';
  if (best.name === 'GB18030') return 'GB18030/GBK (--encoding gb18030)';
  if (best.name === 'UTF-8') return 'UTF-8 (--encoding utf8)';
  return `${best.name} (not supported: convert the file to UTF-8 first)`;
}

function readSample(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const n = readSync(fd, buf, 0, SAMPLE_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * The encoding to read `file` with. `auto` looks at the first megabyte (cut at a line break): a UTF-8
 * BOM, ASCII or valid UTF-8 means UTF-8; otherwise chardet decides, and GB18030 (a superset of GBK)
 * is the only other encoding taken. Anything else is read as UTF-8, which fails at the first bad line
 * with a suggestion, rather than being guessed into garbage.
 */
export function resolveEncoding(file: string, requested: Encoding): ResolvedEncoding {
  if (requested !== 'auto') return requested;
  let sample = readSample(file);
  if (sample.length === SAMPLE_BYTES && lastBreak(sample) > 0) sample = sample.subarray(0, lastBreak(sample) + 1);
  if (sample.subarray(0, 3).equals(UTF8_BOM) || !hasNonAscii(sample) || isUtf8(sample)) return 'utf8';
  return chardet.analyse(sample)[0]?.name === 'GB18030' ? 'gb18030' : 'utf8';
}

/** Last line break of `bytes` (LF, or CR in a file with classic-Mac line ends): a safe place to cut, no multi-byte character spans it in UTF-8 or GB18030. */
function lastBreak(bytes: Buffer): number {
  const lf = bytes.lastIndexOf(LF);
  return lf >= 0 ? lf : bytes.lastIndexOf(CR);
}

function countBreaks(bytes: Buffer, byte: number): number {
  let n = 0;
  for (let i = bytes.indexOf(byte); i >= 0; i = bytes.indexOf(byte, i + 1)) n++;
  return n;
}

/** 1-based line, within `bytes`, of the first line the predicate refuses. */
function firstBadLine(bytes: Buffer, eol: number, bad: (line: Buffer) => boolean): { index: number; offset: number; line: Buffer } {
  let start = 0;
  for (let index = 0; ; index++) {
    const end = bytes.indexOf(eol, start);
    const line = bytes.subarray(start, end < 0 ? bytes.length : end);
    if (bad(line) || end < 0) return { index, offset: start, line };
    start = end + 1;
  }
}

/**
 * Decoded text of a file, cut at line breaks so every piece decodes on its own. Nothing is replaced
 * silently: bytes that are not valid in the encoding stop the read with an EncodingError naming the
 * first bad line (and, for UTF-8, what the bytes look like); a file read as GBK/GB18030 that is in
 * fact UTF-8 with non-ASCII text is refused, since decoding it would garble every name.
 */
export async function* decodedChunks(file: string, requested: Encoding): AsyncGenerator<string> {
  const encoding = resolveEncoding(file, requested);
  let carry: Buffer = Buffer.alloc(0);
  let linesBefore = 0;
  let eol: number | undefined;
  let first = true;
  let checkedNotUtf8 = false;
  const decode = (bytes: Buffer): string => {
    eol ??= bytes.includes(LF) ? LF : bytes.includes(CR) ? CR : undefined;
    if (encoding === 'utf8') {
      if (!isUtf8(bytes)) {
        const { index, offset, line } = firstBadLine(bytes, eol ?? LF, (l) => !isUtf8(l));
        throw new EncodingError(
          file,
          linesBefore + index + 1,
          `is not valid UTF-8 (this line looks like ${likelyEncoding(bytes.subarray(offset, offset + 65_536), line)}); nothing of this file was loaded`,
        );
      }
      const text = bytes.toString('utf8');
      if (eol !== undefined) linesBefore += countBreaks(bytes, eol);
      return text;
    }
    if (!checkedNotUtf8 && hasNonAscii(bytes)) {
      checkedNotUtf8 = true;
      if (isUtf8(bytes)) {
        throw new EncodingError(file, undefined, `was given as ${encoding.toUpperCase()} but is valid UTF-8 with non-ASCII text; reading it as ${encoding.toUpperCase()} would garble it. Use --encoding utf8 (or auto)`);
      }
    }
    const text = iconv.decode(bytes, encoding, { stripBOM: false });
    if (text.includes('\uFFFD')) {
      const { index } = firstBadLine(bytes, eol ?? LF, (l) => iconv.decode(l, encoding).includes('\uFFFD'));
      throw new EncodingError(file, linesBefore + index + 1, `is not valid ${encoding.toUpperCase()}; nothing of this file was loaded`);
    }
    if (eol !== undefined) linesBefore += countBreaks(bytes, eol);
    return text;
  };
  try {
    for await (const raw of createReadStream(file, { highWaterMark: 1 << 20 })) {
      let bytes: Buffer = carry.length ? Buffer.concat([carry, raw as Buffer]) : (raw as Buffer);
      if (first && bytes.length >= 3) {
        first = false;
        if (encoding === 'utf8' && bytes.subarray(0, 3).equals(UTF8_BOM)) bytes = bytes.subarray(3);
      }
      const cut = lastBreak(bytes);
      if (cut < 0) {
        carry = bytes;
        continue;
      }
      carry = bytes.subarray(cut + 1);
      yield decode(bytes.subarray(0, cut + 1));
    }
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new FileError(file, undefined, `cannot be read: ${(err as Error).message}`);
  }
  if (first && encoding === 'utf8' && carry.subarray(0, 3).equals(UTF8_BOM)) carry = carry.subarray(3);
  if (carry.length) yield decode(carry);
}
