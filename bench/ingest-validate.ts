/**
 * Node-side cost per row of the ingest's read → validate → file-rule steps on one file, without Neo4j:
 * where the CPU of a load goes before anything is written.
 *   npx tsx bench/ingest-validate.ts <file.csv> [--kind claims] [--runs 3]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sourceForFile } from '../ingest/file-source.ts';
import { countRecords, openRecordChunks } from '../ingest/read/open-records.ts';
import { checkRecord } from '../ingest/validate/check-record.ts';
import { FileRowChecker } from '../ingest/validate/file-rows.ts';
import type { RowKind } from '../ingest/validate/rows.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { kind: { type: 'string' }, runs: { type: 'string', default: '3' } } });
const file = positionals[0]!;
const kind = (values.kind ?? path.basename(file).replace(/\.\w+$/, '')) as RowKind;
const source = sourceForFile(file, kind, {}, undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const steps: Record<string, () => Promise<number>> = {
  'count (tokenize only)': () => countRecords(file, source),
  'read records': async () => {
    let n = 0;
    for await (const chunk of openRecordChunks(file, source)) n += chunk.length;
    return n;
  },
  'read + row schema': async () => {
    let n = 0;
    for await (const chunk of openRecordChunks(file, source)) for (const rec of chunk) if (checkRecord(kind, rec).ok) n++;
    return n;
  },
  'read + row schema + file rules': async () => {
    let n = 0;
    const checker = new FileRowChecker(file, kind, undefined, 0.05);
    for await (const chunk of openRecordChunks(file, source)) for (const rec of chunk) if (checker.check(rec).ok) n++;
    return n;
  },
};
for (const [name, step] of Object.entries(steps)) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < Number(values.runs); i++) {
    // CPU time, not wall time: the machine is shared, and this is single-threaded work.
    const t = process.cpuUsage();
    rows = await step();
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1e6);
  }
  const s = median(times);
  console.log(`${name.padEnd(32)} ${rows} rows  median ${s.toFixed(2)} CPU s  ${((s / rows) * 1e6).toFixed(2)} µs/row`);
}
