// V8's heap settings for the commands that run detection (issue 24; docs/detection.md, "What a detection
// run holds"). A detection run's detectors allocate and drop large transient structures; by default V8 lets
// its old generation grow up to several times what is live before a major collection, and keeps the pages
// it freed. `--optimize-for-size` caps that growth and gives pages back sooner. Measured with
// bench/detect-memory.ts (varied seed 7, full projection, a shared 2-core machine): at 5M claims peak RSS
// 2,172 → 1,574–1,587 MB, detectors 98 → 135 s (one run, two runs); at 1M 603–635 → 448–449 MB, detectors
// median 14.3 → 22.3 s (three runs each). `--heap-growing-percent=20` alone saved less (1,699 MB at 5M).
// It is therefore opt-in — RINGLENS_V8_OPTIMIZE_FOR_SIZE=1, for a large store on a small machine: most
// bureaus' nightly runs want the detectors' speed more than 0.5 GB. Set at run time, before anything large
// is allocated: V8 reads this flag whenever it sizes the heap.
import v8 from 'node:v8';

/** Commands that run detection in this process: `detect` itself, a worker's detect jobs, the demo's worker. */
export const DETECTION_COMMANDS = ['detect', 'worker', 'demo'];

/** Caps V8's heap growth for a smaller peak at the cost of detector time (see above). */
export function optimizeForSize() {
  v8.setFlagsFromString('--optimize-for-size');
}

/**
 * Applies the smaller heap when RINGLENS_V8_OPTIMIZE_FOR_SIZE is "1"; "0" or unset leaves V8's defaults.
 * Any other value is a configuration error, said before anything runs.
 */
export function useDetectionHeapSettings(env = process.env) {
  const value = env.RINGLENS_V8_OPTIMIZE_FOR_SIZE;
  if (value === undefined || value === '' || value === '0') return false;
  if (value !== '1') throw new Error(`RINGLENS_V8_OPTIMIZE_FOR_SIZE must be 1 (smaller heap, slower detectors) or 0 (V8's defaults), not ${JSON.stringify(value)}`);
  optimizeForSize();
  return true;
}
