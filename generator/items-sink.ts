import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { ByteCsvFile } from './csv.ts';
import { CLAIM_ITEM_COLUMNS } from './format.ts';
import { formatItemRows, ITEM_ROW_WIDTH, type ItemRowText } from './item-rows.ts';

const BATCH_ROWS = 65_536;
/** batches in flight to the worker; bounds memory when the disk or the worker falls behind */
const MAX_IN_FLIGHT = 4;

function sharedRows(rowCapacity: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(rowCapacity * ITEM_ROW_WIDTH * Float64Array.BYTES_PER_ELEMENT));
}

/**
 * Collects claim item rows as numbers and has them formatted and written by a worker thread — item
 * rows are most of the bytes, so this uses the second core. Output is identical to formatting inline.
 *
 * Batches live in shared memory slots and only slot numbers cross the thread boundary: transferring
 * (detaching) an ArrayBuffer per batch cost milliseconds each while the collector was sweeping.
 */
export class ItemSink {
  private rows: Float64Array;
  private count = 0;
  private inFlight = 0;
  /** worker mode: the shared batch buffers, the slot being filled, and the slots free to fill next */
  private readonly slots: Float64Array[] = [];
  private slot = 0;
  private readonly freeSlots: number[] = [];
  /** the current slot was replaced by a bigger buffer the worker has not seen yet */
  private resized = false;
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private done: Promise<number> | undefined;

  private constructor(
    private readonly worker: Worker | undefined,
    private readonly inline: ByteCsvFile | undefined,
    private readonly text: ItemRowText,
    slots: Float64Array[],
  ) {
    this.slots = slots;
    this.rows = slots[0] ?? new Float64Array(BATCH_ROWS * ITEM_ROW_WIDTH);
    for (let i = slots.length - 1; i >= 1; i--) this.freeSlots.push(i);
    if (worker) {
      this.done = new Promise<number>((resolve, reject) => {
        worker.on('message', (m: { kind: string; slot?: number; rows?: number; message?: string }) => {
          if (m.kind === 'ack') {
            this.inFlight--;
            this.freeSlots.push(m.slot!);
            this.waiters.splice(0).forEach((w) => w());
          } else if (m.kind === 'done') resolve(m.rows!);
          else if (m.kind === 'error') {
            this.failure = new Error(`writing claim items: ${m.message}`);
            reject(this.failure);
            this.waiters.splice(0).forEach((w) => w());
          }
        });
        worker.on('error', (e) => {
          this.failure = e;
          reject(e);
          this.waiters.splice(0).forEach((w) => w());
        });
      });
      this.done.catch(() => {});
    }
  }

  static async open(path: string, text: { item: string[]; tracePrefix: string[] }, useWorker: boolean): Promise<ItemSink> {
    const bytes: ItemRowText = { item: text.item.map((s) => Buffer.from(s, 'utf8')), tracePrefix: text.tracePrefix.map((s) => Buffer.from(s, 'utf8')) };
    if (useWorker) {
      // One slot being filled plus MAX_IN_FLIGHT with the worker.
      const slots = Array.from({ length: MAX_IN_FLIGHT + 1 }, () => sharedRows(BATCH_ROWS));
      const worker = new Worker(new URL('./items-worker.mjs', import.meta.url), { workerData: { path, header: CLAIM_ITEM_COLUMNS.join(','), slots, ...text } });
      await once(worker, 'online');
      return new ItemSink(worker, undefined, bytes, slots);
    }
    return new ItemSink(undefined, await ByteCsvFile.open(path, CLAIM_ITEM_COLUMNS), bytes, []);
  }

  add(claimNumber: number, lineNo: number, item: number, qtyMilli: number, priceFen: number, amountFen: number, trace: number): void {
    const o = this.count * ITEM_ROW_WIDTH;
    // One person's claims all go in before the next flush; a heavy user can outgrow the batch.
    if (o + ITEM_ROW_WIDTH > this.rows.length) this.grow();
    const r = this.rows;
    r[o] = claimNumber;
    r[o + 1] = lineNo;
    r[o + 2] = item;
    r[o + 3] = qtyMilli;
    r[o + 4] = priceFen;
    r[o + 5] = amountFen;
    r[o + 6] = trace;
    this.count++;
  }

  private grow(): void {
    const rowCapacity = (this.rows.length / ITEM_ROW_WIDTH) * 2;
    const bigger = this.worker ? sharedRows(rowCapacity) : new Float64Array(rowCapacity * ITEM_ROW_WIDTH);
    bigger.set(this.rows);
    this.rows = bigger;
    if (this.worker) {
      this.slots[this.slot] = bigger;
      this.resized = true;
    }
  }

  /** Call between claims: hands a full batch over, waiting when too many are in flight. */
  async flushIfFull(): Promise<void> {
    if (this.count >= BATCH_ROWS - 512) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.count === 0) return;
    if (this.inline) {
      formatItemRows(this.inline, this.rows, this.count, this.text);
      this.count = 0;
      await this.inline.flushIfFull();
      return;
    }
    while (this.inFlight >= MAX_IN_FLIGHT && !this.failure) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure;
    // A shared buffer posted in a message is shared, not copied: the worker swaps it into its slot table.
    this.worker!.postMessage({ kind: 'rows', slot: this.slot, count: this.count, rows: this.resized ? this.rows : undefined });
    this.resized = false;
    this.inFlight++;
    this.slot = this.freeSlots.pop()!;
    this.rows = this.slots[this.slot]!;
    this.count = 0;
  }

  /** Writes what is left, closes the file; returns the number of rows written. */
  async close(): Promise<number> {
    await this.flush();
    if (this.inline) {
      await this.inline.close();
      return this.inline.rows;
    }
    this.worker!.postMessage({ kind: 'end' });
    try {
      return await this.done!;
    } finally {
      await this.worker!.terminate();
    }
  }
}
