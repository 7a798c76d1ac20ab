// V8's heap settings for the commands that run detection (issue 24; docs/detection.md, "What a detection
// run holds"). A detection run's detectors allocate and drop large transient structures; by default V8 lets
// its old generation grow up to several times what is live before a major collection, and keeps the pages
// it freed. `--optimize-for-size` caps that growth and gives pages back sooner. Measured with
// bench/detect-memory.ts (varied seed 7, full projection, a shared 2-core machine): at 5M claims peak RSS
// 2,172 → 1,574–1,587 MB, detectors 98 → 135 s (one run, two runs); at 1M 603–635 → 448–449 MB, detectors
// median 14.3 → 22.3 s (three runs each). `--heap-growing-percent=20` alone saved less (1,699 MB at 5M).
// Set at run time, before anything large is allocated: V8 reads this flag whenever it sizes the heap.
// RINGLENS_V8_OPTIMIZE_FOR_SIZE=0 turns it off (faster detectors, a larger peak).
import v8 from 'node:v8';

/** Commands that run detection in this process: `detect` itself, a worker's detect jobs, the demo's worker. */
export const DETECTION_COMMANDS = ['detect', 'worker', 'demo'];

/** Applies the detection heap settings unless RINGLENS_V8_OPTIMIZE_FOR_SIZE is "0"; says whether it did. */
export function useDetectionHeapSettings(env = process.env) {
  if (env.RINGLENS_V8_OPTIMIZE_FOR_SIZE === '0') return false;
  v8.setFlagsFromString('--optimize-for-size');
  return true;
}
