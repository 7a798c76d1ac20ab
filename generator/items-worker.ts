import { parentPort, workerData } from 'node:worker_threads';
import { ByteCsvFile } from './csv.ts';
import { CLAIM_ITEM_COLUMNS } from './format.ts';
import { formatItemRows, type ItemRowText } from './item-rows.ts';

/** Formats and writes claim_items.csv on its own thread while the main thread generates claims. */

interface Init {
  path: string;
  item: string[];
  tracePrefix: string[];
}

type Message = { kind: 'rows'; rows: Float64Array<ArrayBuffer>; count: number } | { kind: 'end' };

const init = workerData as Init;
const text: ItemRowText = { item: init.item.map((s) => Buffer.from(s, 'utf8')), tracePrefix: init.tracePrefix.map((s) => Buffer.from(s, 'utf8')) };
const port = parentPort!;
const opened = ByteCsvFile.open(init.path, CLAIM_ITEM_COLUMNS);
let queue: Promise<unknown> = opened;

// Messages are handled strictly one after another: each waits for the previous write to drain.
port.on('message', (m: Message) => {
  queue = queue.then(async () => {
    const file = await opened;
    if (m.kind === 'rows') {
      formatItemRows(file, m.rows, m.count, text);
      await file.flushIfFull();
      port.postMessage({ kind: 'ack', rows: m.rows }, [m.rows.buffer]);
    } else {
      await file.close();
      port.postMessage({ kind: 'done', rows: file.rows });
    }
  }).catch((e: Error) => port.postMessage({ kind: 'error', message: e.message }));
});
