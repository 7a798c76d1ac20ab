import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { ByteCsvFile } from './csv.ts';
import { CLAIM_ITEM_COLUMNS } from './format.ts';
import { formatItemRows, ITEM_ROW_WIDTH, type ItemRowText } from './item-rows.ts';

const BATCH_ROWS = 32_768;
/** batches in flight to the worker; bounds memory when the disk or the worker falls behind */
const MAX_IN_FLIGHT = 4;

/**
 * Collects claim item rows as numbers and has them formatted and written by a worker thread — item
 * rows are most of the bytes, so this uses the second core. Output is identical to formatting inline.
 */
export class ItemSink {
  private rows: Float64Array<ArrayBuffer> = new Float64Array(BATCH_ROWS * ITEM_ROW_WIDTH);
  private count = 0;
  private inFlight = 0;
  private readonly spare: Float64Array<ArrayBuffer>[] = [];
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private done: Promise<number> | undefined;

  private constructor(
    private readonly worker: Worker | undefined,
    private readonly inline: ByteCsvFile | undefined,
    private readonly text: ItemRowText,
  ) {
    if (worker) {
      this.done = new Promise<number>((resolve, reject) => {
        worker.on('message', (m: { kind: string; rows?: Float64Array | number; message?: string }) => {
          if (m.kind === 'ack') {
            this.inFlight--;
            this.spare.push(m.rows as Float64Array<ArrayBuffer>);
            this.waiters.splice(0).forEach((w) => w());
          } else if (m.kind === 'done') resolve(m.rows as number);
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
      const worker = new Worker(new URL('./items-worker.mjs', import.meta.url), { workerData: { path, header: CLAIM_ITEM_COLUMNS.join(','), ...text } });
      await once(worker, 'online');
      return new ItemSink(worker, undefined, bytes);
    }
    return new ItemSink(undefined, await ByteCsvFile.open(path, CLAIM_ITEM_COLUMNS), bytes);
  }

  add(claimNumber: number, lineNo: number, item: number, qtyMilli: number, priceFen: number, amountFen: number, trace: number): void {
    const o = this.count * ITEM_ROW_WIDTH;
    // One person's claims all go in before the next flush; a heavy user can outgrow the batch.
    if (o + ITEM_ROW_WIDTH > this.rows.length) {
      const bigger = new Float64Array(this.rows.length * 2);
      bigger.set(this.rows);
      this.rows = bigger;
    }
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
    const rows = this.rows;
    this.worker!.postMessage({ kind: 'rows', rows, count: this.count }, [rows.buffer]);
    this.inFlight++;
    this.rows = this.spare.pop() ?? new Float64Array(BATCH_ROWS * ITEM_ROW_WIDTH);
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
