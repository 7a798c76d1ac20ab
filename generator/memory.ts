import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps the generator's heap near its live size. V8 sizes the old generation from the machine's memory
 * and lets promoted garbage pile up to several times the live data before a full collection; at 10M
 * claims that alone crossed 1 GB RSS although under 300 MB was live. Collecting whenever the heap has
 * doubled since the last collection bounds the peak at about twice the live size for a few hundred ms
 * of extra GC over a run.
 */
export class HeapGuard {
  private readonly gc: (() => void) | undefined;
  private threshold: number;

  constructor(private readonly slackBytes = 192 * 1024 * 1024) {
    this.gc = exposeGc();
    this.threshold = process.memoryUsage().heapUsed + slackBytes;
  }

  check(): void {
    if (!this.gc) return;
    const used = process.memoryUsage().heapUsed;
    if (used < this.threshold) return;
    this.gc();
    const live = process.memoryUsage().heapUsed;
    this.threshold = Math.max(live * 2, live + this.slackBytes);
  }
}

function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

/**
 * Garbage-collector settings for the generator, process-wide (the generator is the process's main work
 * whenever it runs):
 * - Planted claim drafts live until the ground truth is written, so V8's allocation-site pretenuring
 *   learns that drafts survive and then allocates every background draft — which dies a moment later —
 *   straight into the old generation. That cost a 1M run ~140 MB of promoted garbage, three times the
 *   scavenge time and ~80 MB of RSS.
 * - Scavenges find almost nothing alive (a few KB), yet a parallel scavenge waits for helper threads that,
 *   on two cores already busy with the generating thread and the items worker, rarely get a core: pauses
 *   of 10–30 ms for microseconds of work. Scavenging on the main thread cut scavenge time two to three
 *   times in 3M-claim runs on the shared dev machine.
 */
export function tuneGarbageCollection(): void {
  for (const flag of ['--no-allocation-site-pretenuring', '--no-parallel-scavenge']) {
    try {
      setFlagsFromString(flag);
    } catch {
      // an embedder that refuses V8 flags: slower, same output
    }
  }
}
