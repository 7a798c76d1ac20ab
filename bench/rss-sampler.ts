import { Worker } from 'node:worker_threads';

/**
 * Peak RSS per stage of a run that blocks the event loop (a detector runs synchronously for seconds,
 * so a timer in the main thread never fires): a worker thread reads the process's RSS from
 * /proc/self/statm every few milliseconds and keeps the highest value seen under the stage the main
 * thread has set (shared memory). Linux only; the figures are the whole process's, worker included
 * (a few MB).
 */
export class RssSampler {
  private readonly shared = new SharedArrayBuffer(8 * 258);
  /** [0]: current stage index, [1]: stop flag (Int32 view) */
  private readonly control = new Int32Array(this.shared, 0, 2);
  private readonly peaks = new Float64Array(this.shared, 8, 256);
  private readonly names: string[] = [];
  private readonly worker: Worker;

  constructor(everyMs = 5) {
    this.worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const fs = require('node:fs');
       const control = new Int32Array(workerData.shared, 0, 2);
       const peaks = new Float64Array(workerData.shared, 8, 256);
       const page = 4096;
       const tick = () => {
         const rss = Number(fs.readFileSync('/proc/self/statm', 'latin1').split(' ')[1]) * page;
         const s = Atomics.load(control, 0);
         if (rss > peaks[s]) peaks[s] = rss;
         if (Atomics.load(control, 1) === 0) setTimeout(tick, workerData.everyMs);
       };
       tick();`,
      { eval: true, workerData: { shared: this.shared, everyMs } },
    );
    this.worker.unref();
    this.stage('start');
  }

  /** From now on, samples count for `name`. */
  stage(name: string): void {
    let i = this.names.indexOf(name);
    if (i < 0) i = this.names.push(name) - 1;
    Atomics.store(this.control, 0, i);
  }

  /** Peak RSS in MB per stage, in the order stages were first entered. */
  async stop(): Promise<{ stage: string; peakMb: number }[]> {
    await new Promise((r) => setTimeout(r, 30));
    Atomics.store(this.control, 1, 1);
    await this.worker.terminate();
    return this.names.map((stage, i) => ({ stage, peakMb: Math.round(this.peaks[i]! / 2 ** 20) }));
  }
}
