import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { BATCH_WRITERS, completeCheckpoint, readCheckpoint, writeBatch } from '../graph/writes/batches.ts';
import { checkpointKey, fileContentHash } from './checkpoint-key.ts';
import { planFiles } from './plan.ts';
import { countRecords, openRecordChunks, type SourceOptions } from './read/open-records.ts';
import { RejectsFile } from './rejects.ts';
import { sourceForFile } from './file-source.ts';
import { judgeFile, type FileJudgement } from './judge-file.ts';
import { checkRecord, type RowTransform } from './validate/check-record.ts';
import { DEFAULT_MAX_REJECT_RATE } from './validate/file-rows.ts';
import type { RowKind } from './validate/rows.ts';

export type { RowTransform };

export interface IngestOptions extends SourceOptions {
  inputs: string[];
  rejectsDir: string;
  batchSize?: number;
  /** Kind of every input and the row transform, when a mapping file describes a foreign layout. */
  mapping?: { target: RowKind; transform: RowTransform; fingerprint: string; sourceColumns: string[] };
  /** Share of a file's rows that may be rejected before the file fails (default DEFAULT_MAX_REJECT_RATE). */
  maxRejectRate?: number;
  /** Rewrite files whose checkpoint says they were loaded completely. */
  force?: boolean;
  onProgress?: (p: IngestProgress) => void;
}

export interface IngestProgress {
  file: string;
  kind: RowKind;
  fileIndex: number;
  fileCount: number;
  done: number;
  total: number;
  rowsPerSecond: number;
  etaSeconds: number | undefined;
}

export interface FileSummary {
  file: string;
  kind: RowKind;
  read: number;
  accepted: number;
  rejected: number;
  /** Rows identical to an earlier row of the file with the same key: stored once, counted among the rejected. */
  duplicates: number;
  /** Problems by field and reason; a row with two problems counts under both. */
  reasons: Record<string, number>;
  resumedFromLine: number;
  skippedAsLoaded: boolean;
  rejectsFile: string | undefined;
  seconds: number;
}

export interface IngestSummary {
  files: FileSummary[];
  read: number;
  accepted: number;
  rejected: number;
  seconds: number;
}

/** Content hash and row count: the first pass proves the file is readable text with the right header and parses, before anything is written. */
async function surveyFile(file: string, opts: SourceOptions): Promise<{ hash: string; rows: number }> {
  const [hash, rows] = await Promise.all([fileContentHash(file), countRecords(file, opts)]);
  return { hash, rows };
}

export async function runIngest(driver: Driver, opts: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const plan = planFiles(opts.inputs, opts.mapping?.target);
  const batchSize = opts.batchSize ?? 2_000;
  const maxRejectRate = opts.maxRejectRate ?? DEFAULT_MAX_REJECT_RATE;
  const transform = opts.mapping?.transform;
  const summaries: FileSummary[] = [];
  // Every file is surveyed before the first write: a file that cannot be loaded at all (encoding,
  // header, syntax) stops the run before anything of any file is stored.
  const sources = plan.map(({ file, kind }) => sourceForFile(file, kind, opts, opts.mapping?.sourceColumns));
  const surveys: { hash: string; rows: number }[] = [];
  for (const [i, { file }] of plan.entries()) surveys.push(await surveyFile(file, sources[i]!));

  // Then each file is judged row by row before any of its rows is written (judge-file.ts): a file
  // whose rejects break the reject-rate limit fails with nothing of it stored. The judgements run
  // ahead of the writes, file after file in load order — the later files are read while the earlier
  // ones are written, which keeps Neo4j, not this extra pass, the limit of the load.
  let stopped = false;
  let previous: Promise<unknown> = Promise.resolve();
  const judgements = plan.map(({ file, kind, rejectsName }, i) => {
    const judged = previous.then(() => {
      if (stopped) throw new Error(`${file}: not read, the load stopped before it`);
      return judgeFile({ file, kind, source: sources[i]!, transform, maxRejectRate, rows: surveys[i]!.rows, rejects: new RejectsFile(opts.rejectsDir, rejectsName), cancelled: () => stopped });
    });
    // Observed when the file's turn comes; a failed judgement fails every later one without reading.
    judged.catch(() => {});
    previous = judged;
    return judged;
  });

  try {
    for (const [fileIndex, { file, kind }] of plan.entries()) {
      const judgement = await judgements[fileIndex]!;
      summaries.push(await writeFile(driver, opts, { file, kind, fileIndex, fileCount: plan.length, source: sources[fileIndex]!, survey: surveys[fileIndex]!, judgement, batchSize }));
    }
  } finally {
    stopped = true;
  }
  return {
    files: summaries,
    read: summaries.reduce((n, s) => n + s.read, 0),
    accepted: summaries.reduce((n, s) => n + s.accepted, 0),
    rejected: summaries.reduce((n, s) => n + s.rejected, 0),
    seconds: (Date.now() - started) / 1000,
  };
}

interface FileToWrite {
  file: string;
  kind: RowKind;
  fileIndex: number;
  fileCount: number;
  source: SourceOptions;
  survey: { hash: string; rows: number };
  judgement: FileJudgement;
  batchSize: number;
}

/** The write pass of one judged file: its accepted rows in batches, each batch moving the checkpoint. */
async function writeFile(driver: Driver, opts: IngestOptions, f: FileToWrite): Promise<FileSummary> {
  const { file, kind, judgement: j } = f;
  const fileStarted = Date.now();
  const total = f.survey.rows;
  const key = checkpointKey(kind, f.survey.hash, opts.mapping?.fingerprint);
  const checkpoint = await readCheckpoint(driver, key);
  const skipWrites = !!checkpoint?.completed && !opts.force;
  const resumeAfter = skipWrites || opts.force ? (skipWrites ? Number.MAX_SAFE_INTEGER : 0) : (checkpoint?.committedLine ?? 0);
  const summary: FileSummary = {
    file,
    kind,
    read: j.read,
    accepted: j.accepted,
    rejected: j.rejected,
    duplicates: j.duplicates,
    reasons: j.reasons,
    resumedFromLine: skipWrites ? 0 : resumeAfter,
    skippedAsLoaded: skipWrites,
    rejectsFile: j.rejectsFile,
    seconds: 0,
  };
  if (summary.read !== summary.accepted + summary.rejected) {
    throw new Error(`${file}: internal accounting error: read ${summary.read} ≠ accepted ${summary.accepted} + rejected ${summary.rejected}`);
  }
  if (skipWrites) {
    summary.seconds = (Date.now() - fileStarted) / 1000;
    return summary;
  }

  let batch: object[] = [];
  /** Accepted rows in the batch being cut, stored or not (rows a resumed load already committed are counted, not validated again). */
  let inBatch = 0;
  let batchEndLine = 0;
  const write = BATCH_WRITERS[kind];
  // One write in flight while the next batch is parsed and validated: Node and Neo4j work in
  // parallel, and batches still commit strictly in file order, so checkpoints only move forward.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length && batchEndLine > resumeAfter) {
      const rows = batch;
      const throughLine = batchEndLine;
      await inFlight;
      inFlight = writeBatch(driver, write, rows, { key, file: path.resolve(file), throughLine });
      // Keep a rejected write from going unobserved until the next await.
      inFlight.catch(() => {});
    }
    batch = [];
    inBatch = 0;
  };
  let lastReport = 0;
  let done = 0;
  let nextRejected = 0;
  const rejectedLines = j.rejectedLines;
  const transform = opts.mapping?.transform;
  try {
    for await (const chunk of openRecordChunks(file, f.source)) {
      for (const rec of chunk) {
        done++;
        if (rec.line === rejectedLines[nextRejected]) {
          nextRejected++;
          continue;
        }
        // Batches are cut on accepted-row counts, so a rerun cuts the very same batches.
        inBatch++;
        batchEndLine = rec.line;
        if (rec.line > resumeAfter) {
          const v = checkRecord(kind, rec, transform);
          if (!v.ok) throw new Error(`${file}:${rec.line}: internal error: a row judged acceptable fails validation on the write pass (${v.problems.map((p) => `${p.field} ${p.reason}`).join('; ')})`);
          batch.push(v.row);
        }
        if (inBatch >= f.batchSize) await flush();
      }
      const now = Date.now();
      if (opts.onProgress && (now - lastReport > 500 || done === total)) {
        lastReport = now;
        const elapsed = (now - fileStarted) / 1000;
        const rate = elapsed > 0 ? done / elapsed : 0;
        opts.onProgress({ file, kind, fileIndex: f.fileIndex, fileCount: f.fileCount, done, total, rowsPerSecond: rate, etaSeconds: rate > 0 ? (total - done) / rate : undefined });
      }
    }
    await flush();
    await inFlight;
  } catch (err) {
    // Let the write in flight settle, so the checkpoint says exactly what of the file was stored.
    await inFlight.catch(() => {});
    throw err;
  }
  if (done !== summary.read) throw new Error(`${file}: internal error: the write pass read ${done} rows, the judgement ${summary.read}; was the file changed during the load?`);
  await completeCheckpoint(driver, key, path.resolve(file), summary);
  summary.seconds = (Date.now() - fileStarted) / 1000;
  return summary;
}
