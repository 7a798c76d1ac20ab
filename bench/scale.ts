/**
 * City-scale projection benchmark (issue 24), in one run on one store:
 *   npx tsx bench/scale.ts --instance bench-detect-1000000-varied --data .cache/bench/claims-1000000-seed-7-varied [--runs 3] [--sessions 1,2]
 * 1. full projection from Neo4j, `--runs` times per session count: median seconds;
 * 2. the ClaimSet's size: bytes per claim by column group (typed arrays exactly; strings as UTF-16 + V8's
 *    per-string header estimate), and the process's RSS;
 * 3. a snapshot written, then an incremental projection with nothing changed;
 * 4. one day of claims (--day, default 3,000: copies of the dataset's first claims under new ids, one day
 *    later, with their item lines) ingested transactionally, then the incremental projection: seconds,
 *    and its ratio to the full projection's median (target ≤ 0.1); the result checked equal to a full
 *    projection (digest of every column).
 * The day's claims stay in the store (ids start with "D<run>-"): run it on a bench store, not a real one.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { ClaimSet } from '../algorithms/claim-set.ts';
import { claimSetDigest } from '../algorithms/claim-set-digest.ts';
import { loadEnv } from '../config/env.ts';
import { CLAIM_COLUMNS, CLAIM_ITEM_COLUMNS } from '../generator/format.ts';
import { createDriver } from '../graph/driver.ts';
import { migrate } from '../graph/migrate.ts';
import { projectIncremental } from '../graph/projection/incremental.ts';
import { projectFull } from '../graph/projection/project-claims.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { ensureNeo4j, stopStack } from '../stack/stack.ts';

const { values } = parseArgs({
  options: {
    instance: { type: 'string' },
    data: { type: 'string' },
    runs: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '2' },
    day: { type: 'string', default: '3000' },
    keep: { type: 'boolean', default: false },
    ab: { type: 'boolean', default: false },
  },
});
if (!values.instance || !values.data) throw new Error('give --instance NAME (a local instance holding the dataset) and --data DIR (its canonical files)');
const env = loadEnv();
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

/** Bytes of a ClaimSet by group: typed arrays exactly, strings estimated as V8 holds them (header 16 B + 1 or 2 B per char). */
function sizes(set: ClaimSet): Record<string, number> {
  const out: Record<string, number> = {};
  const strBytes = (s: string) => 16 + Math.ceil((/[^\u0000-\u00ff]/.test(s) ? 2 : 1) * s.length / 8) * 8;
  const visit = (v: unknown, group: string) => {
    if (ArrayBuffer.isView(v)) out[group] = (out[group] ?? 0) + v.byteLength;
    else if (Array.isArray(v)) {
      out[group] = (out[group] ?? 0) + 8 * v.length;
      for (const x of v) visit(x, group);
    } else if (typeof v === 'string') out[group] = (out[group] ?? 0) + strBytes(v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, group === '' ? k : group === 'claims' && k === 'id' ? 'claims.id' : group);
  };
  visit(set, '');
  return out;
}

const neo4j = await ensureNeo4j(env, { instance: values.instance, neo4jPort: 0 });
const driver = createDriver(neo4j);
try {
  await migrate(driver);
  console.log(`load average before: ${loadavg()}`);
  if (values.ab) {
    // The query before issue 24 (one session, doctor/prescriber/served through the relationships)
    // beside today's, interleaved so both see the same load; then stop.
    const before: number[] = [];
    const after: number[] = [];
    for (let k = 0; k < Number(values.runs); k++) {
      for (const [list, opts] of [[before, { sessions: 1, traverse: true }], [after, { sessions: 2 }]] as const) {
        const t = performance.now();
        const n = (await projectFull(driver, {}, () => {}, opts)).state.set.claims.count;
        list.push((performance.now() - t) / 1000);
        console.log(`${list === after ? 'after ' : 'before'} run ${k + 1}: ${list.at(-1)!.toFixed(1)} s, ${n} claims, load ${loadavg()}`);
      }
    }
    console.log(`full projection median: before (1 session, traversals) ${median(before).toFixed(1)} s, after (2 sessions, denormalised keys) ${median(after).toFixed(1)} s, ${(median(before) / median(after)).toFixed(2)}× faster`);
    process.exit(0);
  }
  const fullTimes = new Map<number, number[]>();
  let set: ClaimSet | undefined;
  for (const sessions of values.sessions.split(',').map(Number)) {
    const times: number[] = [];
    for (let k = 0; k < Number(values.runs); k++) {
      set = undefined;
      const cpu = process.cpuUsage();
      const t = performance.now();
      set = (await projectFull(driver, {}, () => {}, { sessions })).state.set;
      times.push((performance.now() - t) / 1000);
      const c = process.cpuUsage(cpu);
      console.log(`full projection, ${sessions} session(s), run ${k + 1}: ${times.at(-1)!.toFixed(1)} s (our CPU ${((c.user + c.system) / 1e6).toFixed(1)} s), ${set.claims.count} claims, RSS ${rssMb()} MB, load ${loadavg()}`);
    }
    fullTimes.set(sessions, times);
    console.log(`full projection, ${sessions} session(s): median ${median(times).toFixed(1)} s`);
  }
  const claims = set!.claims.count;
  const bytes = sizes(set!);
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  console.log(`ClaimSet ≈ ${(total / 2 ** 20).toFixed(0)} MB = ${(total / claims).toFixed(0)} B/claim; by group (B/claim): ${Object.entries(bytes).sort((a, b) => b[1] - a[1]).map(([g, b]) => `${g} ${(b / claims).toFixed(1)}`).join(', ')}`);
  console.log(`peak RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  const best = Math.min(...[...fullTimes.values()].map(median));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-scale-'));
  set = undefined;
  const first = await projectIncremental(driver, {}, { dir });
  console.log(`snapshot: full projection ${first.seconds.project.toFixed(1)} s + write ${first.seconds.snapshotWrite.toFixed(1)} s, ${((first.snapshotBytes ?? 0) / 2 ** 20).toFixed(0)} MB on disk (${((first.snapshotBytes ?? 0) / claims).toFixed(0)} B/claim)`);
  const same = await projectIncremental(driver, {}, { dir, keepSnapshot: true });
  console.log(`incremental, nothing changed: ${same.mode} ${same.seconds.project.toFixed(2)} s (${same.reason ?? 'read snapshot + delta queries + merge'})`);

  // One day of claims: copies of the first claims under new ids, settled a day later.
  const dayDir = path.join(dir, 'day');
  mkdirSync(dayDir);
  const tag = `D${Date.now().toString(36)}-`;
  const n = Number(values.day);
  const rows = parse(readFileSync(path.join(values.data, 'claims.csv')), { columns: true, to: n }) as Record<string, string>[];
  const ids = new Set(rows.map((r) => r.claim_id));
  const lines = (parse(readFileSync(path.join(values.data, 'claim_items.csv')), { columns: true, to: n * 6 }) as Record<string, string>[]).filter((l) => ids.has(l.claim_id!));
  const later = (iso: string) => (iso ? new Date(Date.parse(iso) + 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00') : iso);
  const shiftDate = (d: string) => (d ? new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : d);
  writeFileSync(
    path.join(dayDir, 'claims.csv'),
    stringify([[...CLAIM_COLUMNS], ...rows.map((r) => CLAIM_COLUMNS.map((c) => (c === 'claim_id' ? tag + r[c] : c === 'settled_at' ? later(r[c]!) : c === 'admission_date' || c === 'discharge_date' ? shiftDate(r[c] ?? '') : (r[c] ?? ''))))]),
  );
  // Trace codes are unique per dispensing: the copies' codes would all be "reused"; a day's new claims carry none.
  writeFileSync(path.join(dayDir, 'claim_items.csv'), stringify([[...CLAIM_ITEM_COLUMNS], ...lines.map((l) => CLAIM_ITEM_COLUMNS.map((c) => (c === 'claim_id' ? tag + l[c] : c === 'trace_code' ? '' : (l[c] ?? ''))))]));
  const t = performance.now();
  const ing = await runIngest(driver, { inputs: [dayDir], rejectsDir: path.join(dir, 'rejects'), maxRejectRate: 1 });
  console.log(`ingested one day: ${ing.accepted} rows accepted, ${ing.rejected} rejected in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const inc = await projectIncremental(driver, {}, { dir });
  console.log(
    `incremental after one day: ${inc.mode} ${inc.seconds.project.toFixed(2)} s (snapshot read ${inc.seconds.snapshotRead?.toFixed(2)} s, delta queries ${inc.seconds.delta?.toFixed(2)} s, merge ${inc.seconds.merge?.toFixed(2)} s; changed ${inc.changed?.claims} claims, ${inc.changed?.entities} entities) + snapshot write ${inc.seconds.snapshotWrite.toFixed(1)} s; ratio to the full projection's median ${(inc.seconds.project / best).toFixed(3)} (target ≤ 0.1)`,
  );
  const check = (await projectFull(driver, {})).state.set;
  console.log(`incremental equals full (digest of every column): ${claimSetDigest(inc.set) === claimSetDigest(check)}`);
  console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; load average after: ${loadavg()}`);
} finally {
  await driver.close();
  if (!values.keep) await stopStack(env, values.instance, { neo4j, redis: { url: '', owned: false } });
}
