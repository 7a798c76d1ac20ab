import { SingleBar, Presets } from 'cli-progress';
import type { BulkProgress } from '../ingest/bulk/bulk-ingest.ts';
import type { IngestProgress } from '../ingest/run-ingest.ts';

/** A bar with rows/s and ETA on a terminal; a plain line every few seconds in logs and CI. */
export function ingestProgressReporter(): { report: (p: IngestProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    let bar: SingleBar | undefined;
    let current = '';
    return {
      report(p) {
        if (current !== p.file) {
          bar?.stop();
          current = p.file;
          bar = new SingleBar(
            { format: `${p.kind.padEnd(12)} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}`, stream: process.stderr, etaBuffer: 50 },
            Presets.shades_classic,
          );
          bar.start(p.total, 0, { rate: 0 });
        }
        bar!.update(p.done, { rate: Math.round(p.rowsPerSecond) });
      },
      stop: () => bar?.stop(),
    };
  }
  let last = 0;
  return {
    report(p) {
      const now = Date.now();
      if (now - last < 5_000 && p.done !== p.total) return;
      last = now;
      const eta = p.etaSeconds === undefined ? '?' : `${Math.round(p.etaSeconds)}s`;
      process.stderr.write(`ingest ${p.file} [${p.kind}] ${p.done}/${p.total} rows, ${Math.round(p.rowsPerSecond)} rows/s, ETA ${eta}\n`);
    },
    stop: () => {},
  };
}

/** Bulk validation runs two files at once (one per thread): one line for both, every few seconds. */
export function bulkProgressReporter(): { report: (p: BulkProgress) => void } {
  const lanes = new Map<string, BulkProgress>();
  let last = 0;
  return {
    report(p) {
      lanes.set(p.lane, p);
      const now = Date.now();
      if (now - last < 3_000) return;
      last = now;
      const parts = [...lanes.values()].map((l) => `${l.kind} ${l.done} rows (${Math.round(l.rowsPerSecond)} rows/s)`);
      process.stderr.write(`bulk validation: ${parts.join(' | ')}\n`);
    },
  };
}
