import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { logger } from '../../config/logger.ts';
import { tuneGarbageCollection } from '../../generator/memory.ts';
import { dataNodeCount } from '../../graph/database-content.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { recordCompletedFile } from '../../graph/writes/batches.ts';
import { runNeo4jImport, type ImporterInput } from '../../stack/neo4j-import.ts';
import { runningInstance, startNeo4j, stopNeo4j, type Neo4jInstanceState } from '../../stack/neo4j-local.ts';
import { checkpointKey, fileContentHash } from '../checkpoint-key.ts';
import { planFiles, type PlannedFile } from '../plan.ts';
import type { SourceOptions } from '../read/open-records.ts';
import type { FileSummary, IngestSummary } from '../run-ingest.ts';
import { DEFAULT_MAX_REJECT_RATE } from '../validate/file-rows.ts';
import type { RowKind } from '../validate/rows.ts';
import { laneOf, type LaneFileSummary, type LaneJob, type LaneMessage, type LaneName } from './lane-job.ts';
import { LAYOUT, type WrittenFile } from './layout.ts';

export interface BulkIngestOptions extends SourceOptions {
  inputs: string[];
  rejectsDir: string;
  /** Share of a file's rows that may be rejected before the load fails (default DEFAULT_MAX_REJECT_RATE). */
  maxRejectRate?: number;
  /** A foreign layout: the mapping file (workers compile it), its target kind and fingerprint. */
  mapping?: { file: string; target: RowKind; fingerprint: string };
  /** The local instance to load; started if it is not running. Heap and page cache apply when it must be started. */
  instance: { cacheDir: string; versionRange: string; name: string; heap: string; pageCache: string };
  /** Importer threads (default: the machine's cores). */
  importThreads?: number;
  /** Keep the importer files and logs (they are removed after a successful load). */
  keepFiles?: boolean;
  onProgress?: (p: BulkProgress) => void;
}

export interface BulkProgress {
  lane: LaneName;
  file: string;
  kind: RowKind;
  done: number;
  rowsPerSecond: number;
}

export interface BulkPhase {
  name: string;
  seconds: number;
}

export interface BulkIngestResult {
  summary: IngestSummary;
  /** In order; "stop the server" overlaps validation, so phases add up to more than the total. */
  phases: BulkPhase[];
  nodes: number;
  relationships: number;
  /** CPU seconds of the two validation threads. */
  laneCpuSeconds: number;
  importThreads: number;
  /** The importer's closing lines (IMPORT DONE …, counts, peak memory). */
  importerReport: string;
  workDir: string;
}

/** The database is not empty: importing would replace what it holds. */
export class BulkRefusedError extends Error {
  override name = 'BulkRefusedError';
}

/**
 * A first load of an empty local database through `neo4j-admin database import`:
 *
 * 1. check that the instance's database holds nothing but schema bookkeeping (else refuse);
 * 2. validate every row in two threads (reference files + claims | items + item lines), writing the
 *    rejects files and the importer's CSVs, while the server stops;
 * 3. run the importer, start the server on its port with its settings, apply the migrations;
 * 4. record each file's IngestCheckpoint as a completed transactional ingest would, so a later
 *    `ringlens ingest` of the same files skips them.
 *
 * The graph equals the transactional ingest's (test/integration/ingest-bulk.test.ts compares them).
 */
export async function runBulkIngest(opts: BulkIngestOptions): Promise<BulkIngestResult> {
  const started = Date.now();
  const plan = planFiles(opts.inputs, opts.mapping?.target);
  const phases: BulkPhase[] = [];
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    const r = await fn();
    phases.push({ name, seconds: (Date.now() - t) / 1000 });
    return r;
  };
  const inst = opts.instance;

  const server = await timed('check the database is empty', async () => {
    const state = runningInstance(inst) ?? (await startNeo4j(inst));
    const driver = createDriver(state);
    try {
      const n = await dataNodeCount(driver);
      if (n > 0) {
        throw new BulkRefusedError(
          `Neo4j instance "${inst.name}" already holds ${n} nodes: a bulk import replaces the whole database and would overwrite them. ` +
            'Load these files with the transactional ingest instead (ringlens ingest without --bulk), which adds to what is there.',
        );
      }
    } finally {
      await driver.close();
    }
    return state;
  });
  const restart = () =>
    startNeo4j({
      ...inst,
      heap: server.heap ?? inst.heap,
      pageCache: server.pageCache ?? inst.pageCache,
      withGds: !!server.gdsVersion,
      // Back on the port it kept, so clients (a running API, workers) find it where it was.
    });

  const workDir = path.join(inst.cacheDir, 'bulk-import', `${inst.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const outDir = path.join(workDir, 'csv');
  mkdirSync(outDir, { recursive: true });
  let keep = opts.keepFiles ?? false;
  try {
    // The server stops while the rows are validated: stopping is mostly waiting.
    const stopping = timed('stop the server (alongside validation)', () => stopNeo4j(inst));
    let prepared: Awaited<ReturnType<typeof prepareImport>>;
    try {
      prepared = await timed('validate rows, write importer files', () => prepareImport(plan, opts, outDir));
    } catch (err) {
      await stopping.catch(() => {});
      await restart();
      throw err;
    }
    await stopping;

    const importThreads = opts.importThreads ?? os.availableParallelism();
    const inputs = importerInputs(prepared.written);
    let importerReport = '';
    if (inputs.length) {
      try {
        importerReport = (await timed('neo4j-admin database import', () =>
          runNeo4jImport({
            ...inst,
            inputs,
            heap: server.heap ?? inst.heap,
            offHeap: server.pageCache ?? inst.pageCache,
            threads: importThreads,
            multiline: prepared.multiline,
            workDir,
          }),
        )).report;
      } catch (err) {
        keep = true;
        (err as Error).message += `\nThe importer files are kept in ${workDir}. The database of instance "${inst.name}" may be incomplete: restart it empty with \`ringlens neo4j start --instance ${inst.name} --fresh\` before loading again.`;
        await restart().catch((e: Error) => logger().error({ err: e.message }, 'Neo4j did not restart after the failed import'));
        throw err;
      }
    }
    const restarted = await timed('start the server', restart);
    const driver = createDriver(restarted);
    try {
      await timed('schema migrations (constraints and indexes online)', async () => {
        // The imported store has no schema at all: build each migration's indexes side by side.
        await migrate(driver, undefined, { concurrentStatements: true });
        await driver.executeQuery('CALL db.awaitIndexes(3600)');
      });
      await timed('ingest checkpoints', async () => {
        for (const s of prepared.summaries) {
          const key = checkpointKey(s.kind, prepared.hashes.get(s.file)!, opts.mapping?.fingerprint);
          await recordCompletedFile(driver, { key, file: path.resolve(s.file), lastAcceptedLine: s.lastAcceptedLine }, s);
        }
      });
    } finally {
      await driver.close();
    }
    const files: FileSummary[] = prepared.summaries.map((s) => ({
      file: s.file,
      kind: s.kind,
      read: s.read,
      accepted: s.accepted,
      rejected: s.rejected,
      duplicates: s.duplicates,
      reasons: s.reasons,
      resumedFromLine: 0,
      skippedAsLoaded: false,
      rejectsFile: s.rejectsFile,
      seconds: s.seconds,
    }));
    const seconds = (Date.now() - started) / 1000;
    const count = (kind: 'nodes' | 'relationships') => prepared.written.filter((w) => LAYOUT[w.layout].kind === kind).reduce((n, w) => n + w.rows, 0);
    return {
      summary: {
        files,
        read: files.reduce((n, f) => n + f.read, 0),
        accepted: files.reduce((n, f) => n + f.accepted, 0),
        rejected: files.reduce((n, f) => n + f.rejected, 0),
        seconds,
      },
      phases,
      nodes: count('nodes'),
      relationships: count('relationships'),
      laneCpuSeconds: prepared.laneCpuSeconds,
      importThreads,
      importerReport,
      workDir,
    };
  } finally {
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
}

/** One --nodes/--relationships argument per written file with rows (a label may have two: described and key-only claims). */
function importerInputs(written: WrittenFile[]): ImporterInput[] {
  return written.filter((w) => w.rows > 0).map((w) => ({ kind: LAYOUT[w.layout].kind, name: LAYOUT[w.layout].name, files: [w.path] }));
}

interface Prepared {
  summaries: LaneFileSummary[];
  hashes: Map<string, string>;
  written: WrittenFile[];
  multiline: boolean;
  laneCpuSeconds: number;
}

/**
 * Runs the two lanes in worker threads and hashes the files (for their checkpoint keys) meanwhile.
 * The lines lane ends by passing the claim ids its lines name, through this thread, to the entities
 * lane, which writes key-only Claim nodes for those no claims file held.
 */
async function prepareImport(plan: PlannedFile[], opts: BulkIngestOptions, outDir: string): Promise<Prepared> {
  const hashing = Promise.all(plan.map(async (p) => [p.file, await fileContentHash(p.file)] as const));
  const source: SourceOptions = {
    ...(opts.format ? { format: opts.format } : {}),
    ...(opts.encoding ? { encoding: opts.encoding } : {}),
    ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
    ...(opts.columns ? { columns: opts.columns } : {}),
  };
  const jobFor = (lane: LaneName): LaneJob => ({
    lane,
    files: plan.filter((p) => laneOf(p.kind) === lane),
    source,
    mappingFile: opts.mapping?.file,
    rejectsDir: opts.rejectsDir,
    maxRejectRate: opts.maxRejectRate ?? DEFAULT_MAX_REJECT_RATE,
    outDir,
  });
  const lines = jobFor('lines');
  const summaries = new Map<string, LaneFileSummary>();
  const written: WrittenFile[] = [];
  let multiline = false;
  let laneCpuSeconds = 0;
  const script = new URL('./lane-worker.mjs', import.meta.url);
  const workers: Worker[] = [];
  // Rows die young: a larger young generation and single-threaded scavenges (helper threads rarely
  // get a core while both lanes run) cut the lanes' CPU by ~15% (measured on 300k claims).
  tuneGarbageCollection();

  const finished = new Promise<void>((resolve, reject) => {
    let running = 0;
    const start = (job: LaneJob, onMessage: (m: LaneMessage) => void) => {
      const w = new Worker(script, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
      workers.push(w);
      running++;
      w.on('message', (m: LaneMessage) => {
        if (m.type === 'progress') opts.onProgress?.({ lane: m.lane, file: m.file, kind: m.kind, done: m.done, rowsPerSecond: m.seconds > 0 ? m.done / m.seconds : 0 });
        else if (m.type === 'file-done') summaries.set(`${m.summary.kind}\u0000${m.summary.file}`, m.summary);
        else if (m.type === 'done') {
          written.push(...m.files);
          multiline ||= m.multiline;
          laneCpuSeconds += m.cpuSeconds;
          logger().info({ lane: m.lane, cpuSeconds: m.cpuSeconds, repeatedKeys: m.repeatedKeys }, 'bulk lane finished');
        } else onMessage(m);
      });
      w.once('error', reject);
      w.once('exit', (code) => {
        if (code !== 0) reject(new Error(`bulk ${job.lane} lane stopped with exit code ${code}`));
        else if (--running === 0) resolve();
      });
      return w;
    };
    const entities = start(jobFor('entities'), (m) => {
      if (m.type === 'bare-claims' && m.file) written.push(m.file);
    });
    if (lines.files.length) {
      start(lines, (m) => {
        if (m.type === 'claim-refs' || m.type === 'claim-refs-end') entities.postMessage(m);
      });
    } else {
      entities.postMessage({ type: 'claim-refs-end' } satisfies LaneMessage);
    }
  });
  try {
    await finished;
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  const hashes = new Map(await hashing);
  const ordered = plan.map((p) => {
    const s = summaries.get(`${p.kind}\u0000${p.file}`);
    if (!s) throw new Error(`${p.file}: the bulk lane reported no summary`);
    if (s.read !== s.accepted + s.rejected) throw new Error(`${p.file}: internal accounting error: read ${s.read} ≠ accepted ${s.accepted} + rejected ${s.rejected}`);
    return s;
  });
  return { summaries: ordered, hashes, written, multiline, laneCpuSeconds };
}
