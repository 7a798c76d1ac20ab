import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * A projection snapshot on disk: typed-array files with a versioned header, in one file.
 *
 *   bytes 0–7    "RLSNAPSH"
 *   bytes 8–11   format version (uint32 LE) — FORMAT_VERSION; another version is not read
 *   bytes 12–15  header length H (uint32 LE)
 *   16 … 16+H    header: UTF-8 JSON { meta, body, columns: [{ type, offset, length }] }
 *   then         each column's bytes at its offset (8-byte aligned, little-endian as the machine's typed arrays)
 *
 * `body` is the stored value with every typed array replaced by { "$c": column number }; everything
 * else (numbers, strings, arrays of strings) is JSON. Reading maps the columns back as views of one
 * buffer, so a snapshot costs its size in memory once. Written to a temporary file and renamed, so a
 * reader never sees half a snapshot, and a crash leaves the previous one.
 */
// 3: item lines hold their items only (no quantity, no amount: algorithms/claim-set.ts LineColumns)
export const FORMAT_VERSION = 3;
const MAGIC = 'RLSNAPSH';

const TYPES = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const;
type TypeName = keyof typeof TYPES;
type Typed = InstanceType<(typeof TYPES)[TypeName]>;

interface Column {
  type: TypeName;
  offset: number;
  length: number;
}

function encode(v: unknown, columns: Typed[]): unknown {
  if (ArrayBuffer.isView(v)) {
    columns.push(v as Typed);
    return { $c: columns.length - 1 };
  }
  if (Array.isArray(v)) return v.length && typeof v[0] !== 'object' ? v : v.map((x) => encode(x, columns));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x, columns)]));
  return v;
}

function decode(v: unknown, columns: Typed[]): unknown {
  if (Array.isArray(v)) return v.length && typeof v[0] !== 'object' ? v : v.map((x) => decode(x, columns));
  if (v && typeof v === 'object') {
    const c = (v as { $c?: number }).$c;
    if (typeof c === 'number' && Object.keys(v).length === 1) return columns[c];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x, columns)]));
  }
  return v;
}

const align = (n: number) => Math.ceil(n / 8) * 8;

export function writeSnapshot(file: string, meta: Record<string, unknown>, body: unknown): number {
  const columns: Typed[] = [];
  const encoded = encode(body, columns);
  const typeOf = (a: Typed) => a.constructor.name as TypeName;
  // Offsets are relative to the end of the header, which is known only once they are: two passes.
  const relative: Column[] = [];
  let at = 0;
  for (const a of columns) {
    relative.push({ type: typeOf(a), offset: at, length: a.length });
    at = align(at + a.byteLength);
  }
  // The header is {"meta":…,"body":…,"columns":…}, what JSON.stringify gives that object. The body — the
  // persons' and cards' strings, ≈ 70M characters at 5M claims, held two bytes each by V8 once one is not
  // Latin-1 — is stringified once and written in slices: stringifying the whole header again for every
  // try at its length, and a Buffer of it beside, held ≈ 0.4 GB at 5M claims while the ClaimSet was live.
  const bodyJson = JSON.stringify(encoded);
  const bodyBytes = Buffer.byteLength(bodyJson);
  const before = `{"meta":${JSON.stringify(meta)},"body":`;
  const afterOf = (base: number) => `,"columns":${JSON.stringify(relative.map((c) => ({ ...c, offset: base + c.offset })))}}`;
  const headerLength = (base: number) => Buffer.byteLength(before) + bodyBytes + Buffer.byteLength(afterOf(base));
  let base = align(16 + headerLength(0) + 64);
  // Longer offsets can lengthen the header; settle it.
  while (16 + headerLength(base) > base) base = align(16 + headerLength(base) + 64);
  const length = headerLength(base);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const head = Buffer.alloc(16);
    head.write(MAGIC, 0, 'latin1');
    head.writeUInt32LE(FORMAT_VERSION, 8);
    head.writeUInt32LE(length, 12);
    writeSync(fd, head);
    writeSync(fd, before);
    writeString(fd, bodyJson);
    writeSync(fd, afterOf(base));
    writeSync(fd, Buffer.alloc(base - 16 - length));
    let pos = base;
    for (let k = 0; k < columns.length; k++) {
      const a = columns[k]!;
      const want = base + relative[k]!.offset;
      if (want > pos) pos += writeSync(fd, Buffer.alloc(want - pos));
      pos += writeSync(fd, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  return at + base;
}

/** Writes a long string as UTF-8 a slice at a time (a slice never ends inside a surrogate pair). */
function writeString(fd: number, s: string, slice = 1 << 20): void {
  for (let at = 0; at < s.length; ) {
    let end = Math.min(s.length, at + slice);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end--;
    writeSync(fd, s.slice(at, end));
    at = end;
  }
}

export class SnapshotFormatError extends Error {}

/** Reads a snapshot; throws SnapshotFormatError naming the file when it is not one this version writes. */
export function readSnapshot(file: string): { meta: Record<string, unknown>; body: unknown; bytes: number } {
  const buf = readFileSync(file);
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC) throw new SnapshotFormatError(`${file}: not a projection snapshot`);
  const version = buf.readUInt32LE(8);
  if (version !== FORMAT_VERSION) throw new SnapshotFormatError(`${file}: snapshot format ${version}, this version reads ${FORMAT_VERSION}`);
  const length = buf.readUInt32LE(12);
  const header = JSON.parse(buf.toString('utf8', 16, 16 + length)) as { meta: Record<string, unknown>; body: unknown; columns: Column[] };
  const columns = header.columns.map((c) => {
    const Type = TYPES[c.type];
    if (!Type) throw new SnapshotFormatError(`${file}: unknown column type ${c.type}`);
    const end = c.offset + c.length * Type.BYTES_PER_ELEMENT;
    if (end > buf.length) throw new SnapshotFormatError(`${file}: truncated (column ends at ${end}, file has ${buf.length} bytes)`);
    const start = buf.byteOffset + c.offset;
    // A view when aligned (the usual case: a large file gets a buffer of its own), a copy otherwise.
    return start % Type.BYTES_PER_ELEMENT === 0 ? new Type(buf.buffer, start, c.length) : new Type(buf.buffer.slice(start, start + c.length * Type.BYTES_PER_ELEMENT));
  });
  return { meta: header.meta, body: decode(header.body, columns), bytes: buf.length };
}
