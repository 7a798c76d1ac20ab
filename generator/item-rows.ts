import type { ByteCsvFile } from './csv.ts';

/**
 * claim_items.csv rows travel as numbers (7 per row) so they can be formatted on another thread:
 * claim id number, line number, catalog index, quantity in thousandths, unit price in fen, amount in fen,
 * trace serial (-1 when none).
 */
export const ITEM_ROW_WIDTH = 7;

export interface ItemRowText {
  /** per catalog item: "code,name,category," */
  item: Uint8Array[];
  /** per catalog item: the 7-digit traceability product prefix */
  tracePrefix: Uint8Array[];
}

function writeQuantity(f: ByteCsvFile, milli: number): void {
  const whole = Math.floor(milli / 1000);
  f.int(whole);
  let frac = milli - whole * 1000;
  if (frac === 0) return;
  f.byte(46);
  for (let div = 100; frac > 0; div /= 10) {
    const digit = Math.floor(frac / div);
    f.byte(48 + digit);
    frac -= digit * div;
  }
}

export function formatItemRows(f: ByteCsvFile, rows: Float64Array, count: number, text: ItemRowText): void {
  f.reserve(count * 256);
  for (let r = 0, o = 0; r < count; r++, o += ITEM_ROW_WIDTH) {
    const item = rows[o + 2]!;
    const trace = rows[o + 6]!;
    f.ascii('CL');
    f.padded(rows[o]!, 14);
    f.comma();
    f.int(rows[o + 1]!);
    f.comma();
    f.bytes(text.item[item]!);
    writeQuantity(f, rows[o + 3]!);
    f.comma();
    f.yuan(rows[o + 4]!);
    f.comma();
    f.yuan(rows[o + 5]!);
    f.comma();
    if (trace >= 0) {
      f.bytes(text.tracePrefix[item]!);
      f.padded(trace, 13);
    }
    f.endRow();
  }
}
