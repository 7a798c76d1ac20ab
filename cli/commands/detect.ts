import { InvalidArgumentError, type Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { runDetection, type DetectionProgress } from '../../detection/run-detection.ts';
import { runReport, runReportLines } from '../../detection/run-report.ts';
import type { DetectionScope } from '../../detection/scope.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import type { DetectJobResult } from '../../jobs/detect-job.ts';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import { openServices } from '../../runtime/services.ts';
import { locateNeo4j, locateStack } from '../../stack/stack.ts';
import { parseIsoDate } from '../options.ts';

function parseRegion(value: string): string {
  if (!/^\d{6}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a 6-digit pooling-region code like 330100`);
  return value;
}

/** "365d" → 365: a window of whole days. */
function parseWindow(value: string): number {
  const m = /^(\d{1,5})d$/.exec(value);
  if (!m || Number(m[1]) < 1) throw new InvalidArgumentError(`"${value}" is not a window like 365d (whole days)`);
  return Number(m[1]);
}

// The window's first day is worked out where the run starts (detection/scope.ts): a queued run covers
// the days up to when a worker takes it.
export { windowStart } from '../../detection/scope.ts';

export function registerDetectCommands(program: Command): void {
  program
    .command('detect')
    .description('run ring detection over the claims in Neo4j: detectors, scoring, evidence, tracking across runs; writes rings back')
    .option('--region <code>', 'only claims of this pooling region (6-digit code)', parseRegion)
    .option('--since <date>', 'only claims settled on or after this date (YYYY-MM-DD, China time)', parseIsoDate)
    .option('--until <date>', 'only claims settled on or before this date (YYYY-MM-DD, China time)', parseIsoDate)
    .option('--window <days>', 'only claims of the last N days, today included (e.g. 365d; China time); instead of --since', parseWindow)
    .option('--out <file>', 'also write the detected-rings JSON (the format `ringlens score` reads)')
    .option('--queue', 'enqueue the run on the detect queue for a `ringlens worker` and follow its progress')
    .option('--instance <name>', 'local instance to use when NEO4J_URI is not set', 'default')
    .action(async (o: { region?: string; since?: string; until?: string; window?: number; out?: string; queue?: boolean; instance: string }) => {
      if (o.window !== undefined && o.since) throw new InvalidArgumentError('--window and --since both say where the period starts: give one');
      if (o.since && o.until && o.since > o.until) throw new InvalidArgumentError(`--since ${o.since} is after --until ${o.until}`);
      if (o.queue) {
        await detectOnQueue(o);
        return;
      }
      const driver = createDriver(locateNeo4j(loadEnv(), o.instance));
      try {
        await migrate(driver);
        let last = -1;
        const s = await runDetection(driver, {
          scope: scopeOf(o),
          out: o.out,
          onProgress: (p) => {
            if (p.percent >= last + 10 || p.percent === 100) {
              last = p.percent;
              process.stderr.write(`detect ${p.percent}% ${p.stage}: ${p.message}\n`);
            }
          },
        });
        for (const line of runReportLines(runReport(s))) console.log(line);
        if (o.out) console.log(`detected rings written to ${o.out}`);
      } finally {
        await driver.close();
      }
    });
}

type DetectOptions = { region?: string; since?: string; until?: string; window?: number; out?: string; instance: string };

function scopeOf(o: DetectOptions): DetectionScope {
  return {
    ...(o.region ? { region: o.region } : {}),
    ...(o.since ? { since: o.since } : {}),
    ...(o.until ? { until: o.until } : {}),
    ...(o.window !== undefined ? { window: `${o.window}d` } : {}),
  };
}

async function detectOnQueue(o: DetectOptions): Promise<void> {
  const env = loadEnv();
  const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX);
  const eventsConnection = services.redis.duplicate();
  const events = createQueueEvents(QUEUES.detect, eventsConnection, services.prefix);
  try {
    await events.waitUntilReady();
    const job = await services.queues.detect.add('detect', { scope: scopeOf(o), ...(o.out ? { out: o.out } : {}) });
    process.stderr.write(`detect job ${job.id} queued; waiting for a worker\n`);
    events.on('progress', ({ jobId, data }) => {
      if (jobId !== job.id) return;
      const p = data as DetectionProgress;
      process.stderr.write(`detect ${p.percent}% ${p.stage}: ${p.message}\n`);
    });
    const r = (await job.waitUntilFinished(events)) as DetectJobResult;
    // the same report as a run in this process
    for (const line of runReportLines(r, true)) console.log(line);
    if (o.out) console.log(`detected rings written to ${o.out} (on the worker's machine)`);
  } finally {
    await events.close();
    eventsConnection.disconnect();
    await services.close();
  }
}
