import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Driver } from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../config/env.ts';
import { detectPart, listRegions, mergeParts, type PartResult } from '../../detection/partitioned.ts';
import { CLAIM_COLUMNS, CLAIM_ITEM_COLUMNS, FILES } from '../../generator/format.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { periodFlow } from '../../jobs/scheduled-run.ts';
import { ScheduleSchema } from '../../jobs/schedule-config.ts';
import { runningInstance, startNeo4j, stopNeo4j } from '../../stack/neo4j-local.ts';

type Row = Record<string, string>;
const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-part-inc-'));
  made.push(dir);
  return dir;
};
const read = (file: string) => parse(readFileSync(file), { columns: true }) as Row[];
const write = (file: string, columns: readonly string[], rows: Row[]) => writeFileSync(file, stringify([[...columns], ...rows.map((r) => columns.map((c) => r[c] ?? ''))]));

/** Every part of a partitioned run (regions, then the cross-region part), with snapshots in `snapshots` ("off": always full). */
async function parts(driver: Driver, snapshots: string, scope: { since?: string } = {}): Promise<PartResult[]> {
  const before = process.env.RINGLENS_PROJECTION_SNAPSHOTS;
  process.env.RINGLENS_PROJECTION_SNAPSHOTS = snapshots;
  try {
    const out: PartResult[] = [];
    for (const region of await listRegions(driver)) out.push(await detectPart(driver, { kind: 'region', region }, scope));
    out.push(await detectPart(driver, { kind: 'cross-region' }, scope));
    return out;
  } finally {
    if (before === undefined) delete process.env.RINGLENS_PROJECTION_SNAPSHOTS;
    else process.env.RINGLENS_PROJECTION_SNAPSHOTS = before;
  }
}

/** What a part found, without the seconds it took. */
const found = (ps: PartResult[]) => ps.map((p) => ({ partition: p.partition, claims: p.claims, rings: p.rings }));

describe('partitioned runs project each region from its own snapshot', () => {
  // A generated dataset: the first load holds the reference files and all claims but the last ones
  // settled (by time); the second load is "the next day's" claims, with their lines.
  const dir = tmp();
  const data = path.join(dir, 'data');
  const env = loadEnv();
  // A store of its own, fresh (see incremental-projection.test.ts: reused node ids would force a full projection).
  const instance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: 'test-partitioned-incremental', heap: '1g', pageCache: '512m' };
  afterAll(async () => {
    await stopNeo4j(instance);
    for (const d of made) rmSync(d, { recursive: true, force: true });
  }, 120_000);

  it('a second run reads only the claims written since, and finds what a full projection of every part finds', async () => {
    const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', '8000', '--seed', '5', '--out', data], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    const claims = read(path.join(data, FILES.claims)).sort((a, z) => a.settled_at!.localeCompare(z.settled_at!));
    const lines = read(path.join(data, FILES.claimItems));
    const cut = claims.length - 240;
    const later = new Set(claims.slice(cut).map((c) => c.claim_id));
    const first = path.join(dir, 'first');
    const next = path.join(dir, 'next');
    mkdirSync(first);
    mkdirSync(next);
    for (const f of ['regions', 'institutions', 'doctors', 'persons', 'cards', 'items'] as const) writeFileSync(path.join(first, FILES[f]), readFileSync(path.join(data, FILES[f])));
    write(path.join(first, FILES.claims), CLAIM_COLUMNS, claims.slice(0, cut));
    write(path.join(first, FILES.claimItems), CLAIM_ITEM_COLUMNS, lines.filter((l) => !later.has(l.claim_id)));
    write(path.join(next, FILES.claims), CLAIM_COLUMNS, claims.slice(cut));
    write(path.join(next, FILES.claimItems), CLAIM_ITEM_COLUMNS, lines.filter((l) => later.has(l.claim_id)));

    await startNeo4j({ ...instance, fresh: true, preferredPort: 0 });
    const driver = createDriver(runningInstance(instance)!);
    try {
      await migrate(driver);
      expect((await runIngest(driver, { inputs: [first], rejectsDir: tmp() })).rejected).toBe(0);
      const snapshots = tmp();
      const night1 = await parts(driver, snapshots);
      const regions = night1.filter((p) => p.partition.kind === 'region');
      expect(regions.length).toBeGreaterThanOrEqual(3);
      for (const p of regions) expect(p.projection, JSON.stringify(p.partition)).toMatchObject({ mode: 'full', reason: 'no snapshot' });
      // one snapshot per region, none for the cross-region part
      const files = () => readdirSync(snapshots, { recursive: true }).map(String).filter((f) => f.endsWith('.snapshot'));
      expect(files()).toHaveLength(regions.length);

      expect((await runIngest(driver, { inputs: [next], rejectsDir: tmp() })).rejected).toBe(0);
      const night2 = await parts(driver, snapshots);
      const full = await parts(driver, 'off');
      for (const p of night2.filter((x) => x.partition.kind === 'region')) {
        // The delta query reads the claims written since the snapshot (every region's), not the region's thousands.
        expect(p.projection, JSON.stringify(p.partition)).toMatchObject({ mode: 'incremental', changedClaims: 240 });
        expect(p.claims).toBeGreaterThan(1000);
      }
      expect(night2.find((p) => p.partition.kind === 'cross-region')!.projection).toMatchObject({ mode: 'full' });
      for (const p of full) expect(p.projection!.mode).toBe('full');
      // the new claims are in: the parts hold every claim
      expect(night2.reduce((s, p) => s + p.claims, 0)).toBe(claims.length);
      expect(found(night2)).toEqual(found(full));
      expect(mergeParts(night2).rings.length).toBeGreaterThanOrEqual(5);
      expect(mergeParts(night2)).toEqual(mergeParts(full));
    } finally {
      await driver.close();
    }
  }, 600_000);

  it("a schedule's window is resolved once, at the fire, and every part and the merge carry it", async () => {
    const driver = createDriver(runningInstance(instance)!);
    try {
      const schedule = ScheduleSchema.parse({ id: 'yearly-window', title: 't', kind: 'detection', cron: '0 2 * * *', period: 'day', window: '365d' });
      // 02:00 China time on 2025-03-01 is 18:00 UTC the day before: the window still ends on the 1st.
      const flow = await periodFlow(driver, schedule, '2025-03-01', '2025-02-28T18:00:00.000Z');
      const merge = flow.children![0]!;
      const scope = { window: '365d', since: '2024-03-02' };
      expect(merge.data).toMatchObject({ scope });
      expect(merge.children!.length).toBe((await listRegions(driver)).length + 1);
      for (const part of merge.children!) expect(part.data).toMatchObject({ scope });
      // and a part given that scope projects only the window's claims
      const windowed = await parts(driver, 'off', { since: '2024-07-01' });
      const all = await parts(driver, 'off');
      expect(windowed.reduce((s, p) => s + p.claims, 0)).toBeLessThan(all.reduce((s, p) => s + p.claims, 0));
    } finally {
      await driver.close();
    }
  }, 300_000);
});
