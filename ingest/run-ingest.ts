import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { BATCH_WRITERS, completeCheckpoint, readCheckpoint, writeBatch } from '../graph/writes/batches.ts';
import { checkpointKey, fileContentHash } from './checkpoint-key.ts';
import { planFiles } from './plan.ts';
import { countRecords, openRecordChunks, type SourceOptions } from './read/open-records.ts';
import { RejectsFile } from './rejects.ts';
import { sourceForFile } from './file-source.ts';
import { reasonKey, type RowTransform } from './validate/check-record.ts';
import { DEFAULT_MAX_REJECT_RATE, FileRowChecker } from './validate/file-rows.ts';
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
  const summaries: FileSummary[] = [];
  // Every file is surveyed before the first write: a file that cannot be loaded at all (encoding,
  // header, syntax) stops the run before anything of any file is stored.
  const sources = plan.map(({ file, kind }) => sourceForFile(file, kind, opts, opts.mapping?.sourceColumns));
  const surveys = [];
  for (const [i, { file }] of plan.entries()) surveys.push(await surveyFile(file, sources[i]!));
  for (const [fileIndex, { file, kind, rejectsName }] of plan.entries()) {
    const fileStarted = Date.now();
    const { hash, rows: total } = surveys[fileIndex]!;
    const key = checkpointKey(kind, hash, opts.mapping?.fingerprint);
    const checkpoint = await readCheckpoint(driver, key);
    const skipWrites = !!checkpoint?.completed && !opts.force;
    const resumeAfter = skipWrites || opts.force ? (skipWrites ? Number.MAX_SAFE_INTEGER : 0) : (checkpoint?.committedLine ?? 0);

    const rejects = new RejectsFile(opts.rejectsDir, rejectsName);
    const summary: FileSummary = {
      file,
      kind,
      read: 0,
      accepted: 0,
      rejected: 0,
      duplicates: 0,
      reasons: {},
      resumedFromLine: skipWrites ? 0 : resumeAfter,
      skippedAsLoaded: skipWrites,
      rejectsFile: undefined,
      seconds: 0,
    };
    let batch: object[] = [];
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
    };
    const reject = async (line: number, field: string, reason: string, raw: Record<string, string>) => {
      const k = reasonKey(field, reason);
      summary.reasons[k] = (summary.reasons[k] ?? 0) + 1;
      await rejects.add(file, line, field, reason, raw);
    };
    let lastReport = 0;
    const checker = new FileRowChecker(file, kind, opts.mapping?.transform, maxRejectRate);
    try {
      for await (const chunk of openRecordChunks(file, sources[fileIndex])) {
        for (const rec of chunk) {
          summary.read++;
          const v = checker.check(rec);
          if (v.ok) {
            summary.accepted++;
            // Batches are cut on accepted-row counts, so a rerun cuts the very same batches.
            batch.push(v.row);
            batchEndLine = rec.line;
            if (batch.length >= batchSize) await flush();
          } else {
            summary.rejected++;
            if (v.duplicate) summary.duplicates++;
            for (const p of v.problems) await reject(rec.line, p.field, p.reason, rec.fields);
            checker.assertWithinRejectLimit(total);
          }
        }
        const now = Date.now();
        if (opts.onProgress && (now - lastReport > 500 || summary.read === total)) {
          lastReport = now;
          const elapsed = (now - fileStarted) / 1000;
          const rate = elapsed > 0 ? summary.read / elapsed : 0;
          opts.onProgress({ file, kind, fileIndex, fileCount: plan.length, done: summary.read, total, rowsPerSecond: rate, etaSeconds: rate > 0 ? (total - summary.read) / rate : undefined });
        }
      }
      await flush();
      await inFlight;
    } catch (err) {
      // Let the write in flight settle, so the checkpoint says exactly what of the file was stored.
      await inFlight.catch(() => {});
      throw err;
    } finally {
      summary.rejectsFile = await rejects.close();
    }
    if (summary.read !== summary.accepted + summary.rejected) {
      throw new Error(`${file}: internal accounting error: read ${summary.read} ≠ accepted ${summary.accepted} + rejected ${summary.rejected}`);
    }
    if (!skipWrites) await completeCheckpoint(driver, key, path.resolve(file), summary);
    summary.seconds = (Date.now() - fileStarted) / 1000;
    summaries.push(summary);
  }
  return {
    files: summaries,
    read: summaries.reduce((n, s) => n + s.read, 0),
    accepted: summaries.reduce((n, s) => n + s.accepted, 0),
    rejected: summaries.reduce((n, s) => n + s.rejected, 0),
    seconds: (Date.now() - started) / 1000,
  };
}
