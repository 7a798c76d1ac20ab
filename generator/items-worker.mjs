// Formats and writes claim_items.csv on its own thread while the main thread generates claims.
//
// Plain JavaScript on purpose: worker threads do not reliably inherit the TypeScript loader (not under
// bin/ringlens.js, and registering it inside the worker hangs under the tsx CLI). It mirrors
// formatItemRows in item-rows.ts byte for byte; the determinism test compares both paths.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';

const WIDTH = 7; // ITEM_ROW_WIDTH
const { path, header, item, tracePrefix, slots } = workerData;
const itemBytes = item.map((s) => Buffer.from(s, 'utf8'));
const prefixBytes = tracePrefix.map((s) => Buffer.from(s, 'utf8'));
// Same write-ahead as WRITE_AHEAD_BYTES in csv.ts: formatting continues while the disk catches up.
const stream = createWriteStream(path, { highWaterMark: 1 << 24 });
let buf = Buffer.allocUnsafe(1 << 22);
let pos = 0;
let rowsWritten = 0;

function reserve(n) {
  if (pos + n <= buf.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + n));
  buf.copy(bigger, 0, 0, pos);
  buf = bigger;
}
function bytes(b) {
  for (let i = 0; i < b.length; i++) buf[pos++] = b[i];
}
function int(n) {
  if (!(n >= 0) || !Number.isSafeInteger(n)) throw new Error(`cannot write ${n} as a non-negative integer`);
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let p = pos + digits - 1;
  for (let x = n; ; ) {
    const q = Math.floor(x / 10);
    buf[p--] = 48 + (x - q * 10);
    x = q;
    if (x === 0) break;
  }
  pos += digits;
}
function padded(n, width) {
  let p = pos + width - 1;
  let x = n;
  for (let i = 0; i < width; i++) {
    const q = Math.floor(x / 10);
    buf[p--] = 48 + (x - q * 10);
    x = q;
  }
  pos += width;
}
function yuan(fen) {
  const whole = Math.floor(fen / 100);
  int(whole);
  buf[pos++] = 46;
  padded(fen - whole * 100, 2);
}
function quantity(milli) {
  const whole = Math.floor(milli / 1000);
  int(whole);
  let frac = milli - whole * 1000;
  if (frac === 0) return;
  buf[pos++] = 46;
  for (let div = 100; frac > 0; div /= 10) {
    const digit = Math.floor(frac / div);
    buf[pos++] = 48 + digit;
    frac -= digit * div;
  }
}
function format(rows, count) {
  reserve(count * 256);
  for (let r = 0, o = 0; r < count; r++, o += WIDTH) {
    const it = rows[o + 2];
    const trace = rows[o + 6];
    buf[pos++] = 67; // C
    buf[pos++] = 76; // L
    padded(rows[o], 14);
    buf[pos++] = 44;
    int(rows[o + 1]);
    buf[pos++] = 44;
    bytes(itemBytes[it]);
    quantity(rows[o + 3]);
    buf[pos++] = 44;
    yuan(rows[o + 4]);
    buf[pos++] = 44;
    yuan(rows[o + 5]);
    buf[pos++] = 44;
    if (trace >= 0) {
      bytes(prefixBytes[it]);
      padded(trace, 13);
    }
    buf[pos++] = 10;
    rowsWritten++;
  }
}
// Buffers whose write has finished are reused, as in ByteCsvFile (csv.ts).
const spare = [];
async function flush(limit) {
  if (pos < limit || pos === 0) return;
  const full = buf;
  const chunk = full.subarray(0, pos);
  buf = spare.pop() ?? Buffer.allocUnsafe(full.length);
  pos = 0;
  const written = () => {
    if (spare.length < 8) spare.push(full);
  };
  if (!stream.write(chunk, written)) await once(stream, 'drain');
}

const headerBytes = Buffer.from(header + '\n', 'utf8');
bytes(headerBytes);
let queue = once(stream, 'open');
// Messages are handled strictly one after another: each waits for the previous write to drain.
parentPort.on('message', (m) => {
  queue = queue
    .then(async () => {
      if (m.kind === 'rows') {
        // A slot the main thread had to enlarge arrives with its new (shared) buffer.
        if (m.rows) slots[m.slot] = m.rows;
        format(slots[m.slot], m.count);
        await flush(1 << 21);
        parentPort.postMessage({ kind: 'ack', slot: m.slot });
      } else {
        await flush(1);
        stream.end();
        await once(stream, 'finish');
        parentPort.postMessage({ kind: 'done', rows: rowsWritten });
      }
    })
    .catch((e) => parentPort.postMessage({ kind: 'error', message: e.message }));
});
