import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { logger } from '../config/logger.ts';
import { generate } from '../generator/generate.ts';
import { defaultHardNegativePlan, defaultScenarioPlan } from '../generator/plan.ts';
import { parsePeriod } from '../generator/time.ts';
import { runIngest } from '../ingest/run-ingest.ts';

export interface DemoDataOptions {
  cacheDir: string;
  claims: number;
  seed: number;
  onProgress?: Parameters<typeof runIngest>[1]['onProgress'];
}

/**
 * The demo opens on real-looking data: generate the dataset once (cached under .cache/demo) and
 * ingest it unless the database already holds claims. Ingest's checkpoints make a rerun cheap.
 */
export async function ensureDemoData(driver: Driver, opts: DemoDataOptions): Promise<{ generated: boolean; ingested: boolean; dir: string }> {
  const log = logger().child({ component: 'demo-data' });
  const dir = path.join(opts.cacheDir, 'demo', `claims-${opts.claims}-seed-${opts.seed}`);
  const { records } = await driver.executeQuery('MATCH (c:Claim) RETURN count(c) > 0 AS any');
  if (records[0]?.get('any')) {
    log.info('database already holds claims; demo data not loaded again');
    return { generated: false, ingested: false, dir };
  }
  let generated = false;
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    log.info({ claims: opts.claims, seed: opts.seed, dir }, 'generating the demo dataset');
    const regions = 4;
    await generate({
      claims: opts.claims,
      seed: opts.seed,
      out: dir,
      regions,
      period: parsePeriod('2024-01-01..2024-12-31'),
      scenarios: defaultScenarioPlan(opts.claims),
      hardNegatives: defaultHardNegativePlan(opts.claims, regions),
    });
    generated = true;
  }
  log.info({ dir }, 'ingesting the demo dataset');
  const summary = await runIngest(driver, { inputs: [dir], rejectsDir: path.join(dir, 'rejects'), batchSize: 5_000, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  log.info({ read: summary.read, accepted: summary.accepted, rejected: summary.rejected, seconds: summary.seconds }, 'demo dataset loaded');
  return { generated, ingested: true, dir };
}
