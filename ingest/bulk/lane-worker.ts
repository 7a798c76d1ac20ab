import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { HeapGuard } from '../../generator/memory.ts';
import { mappingForIngest } from '../mapping-source.ts';
import { openRecordChunks } from '../read/open-records.ts';
import { RejectsFile } from '../rejects.ts';
import { sourceForFile } from '../file-source.ts';
import { reasonKey } from '../validate/check-record.ts';
import { FileRowChecker } from '../validate/file-rows.ts';
import { EntityLane } from './entity-lane.ts';
import { ImporterCsv } from './importer-csv.ts';
import { LAYOUT } from './layout.ts';
import { BULK_INGEST_SEQ } from '../../graph/writes/ingest-sequence.ts';
import type { LaneFileSummary, LaneJob, LaneMessage } from './lane-job.ts';
import { LineLane } from './line-lane.ts';

/**
 * One lane of a bulk load in its own thread: reads its files in load order, validates every row with
 * the ingest's schemas (rejects and reasons exactly as the transactional ingest records them), and
 * writes the importer files. See bulk-ingest.ts for the conversation with the main thread.
 */
const job = workerData as LaneJob;
const port = parentPort!;
const post = (m: LaneMessage) => port.postMessage(m);

const mapping = job.mappingFile ? (await mappingForIngest(job.mappingFile)).ingest : undefined;
const transform = mapping?.transform;
const lane = job.lane === 'entities' ? new EntityLane(job.outDir) : new LineLane(job.outDir);
// Collect when the heap has doubled: V8 otherwise lets dead rows pile up to several times the live
// keys (1M claims: 1.4 GB → 1.0 GB peak RSS for the claims lane alone, same CPU).
const heap = new HeapGuard();

for (const { file, kind, rejectsName } of job.files) {
  const started = Date.now();
  const rejects = new RejectsFile(job.rejectsDir, rejectsName);
  const s: LaneFileSummary = { file, kind, read: 0, accepted: 0, rejected: 0, duplicates: 0, reasons: {}, rejectsFile: undefined, lastAcceptedLine: undefined, seconds: 0 };
  let lastReport = started;
  const checker = new FileRowChecker(file, kind, transform, job.maxRejectRate);
  try {
    for await (const chunk of openRecordChunks(file, sourceForFile(file, kind, job.source, mapping?.sourceColumns))) {
      for (const rec of chunk) {
        s.read++;
        const v = checker.check(rec);
        if (v.ok) {
          s.accepted++;
          s.lastAcceptedLine = rec.line;
          lane.add(kind, v.row);
        } else {
          s.rejected++;
          if (v.duplicate) s.duplicates++;
          for (const p of v.problems) {
            const k = reasonKey(p.field, p.reason);
            s.reasons[k] = (s.reasons[k] ?? 0) + 1;
            await rejects.add(file, rec.line, p.field, p.reason, rec.fields);
          }
        }
      }
      heap.check();
      const now = Date.now();
      if (now - lastReport > 500) {
        lastReport = now;
        post({ type: 'progress', lane: job.lane, file, kind, done: s.read, seconds: (now - started) / 1000 });
      }
    }
  } finally {
    s.rejectsFile = await rejects.close();
  }
  // Nothing is imported before every file is through its lane: failing here still writes nothing.
  checker.assertWithinRejectLimit(s.read);
  s.seconds = (Date.now() - started) / 1000;
  post({ type: 'progress', lane: job.lane, file, kind, done: s.read, seconds: s.seconds });
  post({ type: 'file-done', summary: s });
}

/** CPU seconds of this thread alone (process.cpuUsage() counts the whole process); Linux only, else NaN. */
const cpu = () => {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
};

if (lane instanceof LineLane) {
  const r = await lane.finish();
  post({ type: 'done', lane: 'lines', files: r.files, multiline: r.multiline, repeatedKeys: r.scatteredClaims, cpuSeconds: cpu() });
  // Hand the claim ids over in slices: one message of tens of millions of strings would double the heap.
  let ids: string[] = [];
  for (const id of lane.claims.values()) {
    ids.push(id);
    if (ids.length === 100_000) {
      post({ type: 'claim-refs', ids });
      ids = [];
    }
  }
  if (ids.length) post({ type: 'claim-refs', ids });
  post({ type: 'claim-refs-end' });
} else {
  const r = await lane.finish();
  post({ type: 'done', lane: 'entities', files: r.files, multiline: r.multiline, repeatedKeys: r.repeatedClaims, cpuSeconds: cpu() });
  let bare: ImporterCsv | undefined;
  port.on('message', (m: LaneMessage) => {
    if (m.type === 'claim-refs') {
      for (const id of m.ids) {
        if (lane.hasClaim(id)) continue;
        bare ??= new ImporterCsv(path.join(job.outDir, 'BareClaim.csv'), LAYOUT.BareClaim.header);
        bare.line(`${id},${BULK_INGEST_SEQ}`);
      }
    } else if (m.type === 'claim-refs-end') {
      bare?.close();
      post({ type: 'bare-claims', file: bare ? { layout: 'BareClaim', path: bare.path, rows: bare.rows } : undefined });
      port.close();
    }
  });
}
