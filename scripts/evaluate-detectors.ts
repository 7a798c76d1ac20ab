/**
 * Detector tuning without Neo4j: generates datasets (or reads given ones), builds the ClaimSet straight
 * from the canonical files, runs the detectors, overlap resolution and ring assembly exactly as a
 * detection run does, and prints the `ringlens score` report per dataset and the worst member F1 per
 * family across them. Use it to check that a change holds across many seeds before running the real
 * pipeline (bench/detect.ts) against Neo4j.
 *
 *   npx tsx scripts/evaluate-detectors.ts --claims 100000 --seeds 1,2,3,4,5
 *   npx tsx scripts/evaluate-detectors.ts --claims 300000 --seeds 1 --profile varied   (variants and look-alikes)
 *   npx tsx scripts/evaluate-detectors.ts path/to/dataset [more datasets…]
 *   add --table for one row per dataset (member F1 per family, precision@10, look-alikes flagged)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env.ts';
import { assembleRings } from '../detection/assemble.ts';
import { resolveOverlaps } from '../detection/resolve-overlaps.ts';
import { detectedRingsDocument } from '../detection/run-detection.ts';
import { runDetectors } from '../detection/run-detectors.ts';
import { claimSetFromFiles } from '../evaluation/claim-set-from-files.ts';
import { GroundTruthSchema } from '../evaluation/formats.ts';
import { parseProfile } from '../generator/profile.ts';
import { formatReport, score } from '../evaluation/score.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { claims: { type: 'string', default: '100000' }, seeds: { type: 'string', default: '1,2,3' }, profile: { type: 'string', default: 'classic' }, quiet: { type: 'boolean', default: false }, table: { type: 'boolean', default: false } },
});
const profile = parseProfile(values.profile);

function datasets(): string[] {
  if (positionals.length) return positionals;
  const cache = loadEnv().RINGLENS_CACHE_DIR;
  return values.seeds.split(',').map((seed) => {
    const dir = path.join(cache, 'bench', `claims-${values.claims}-seed-${seed.trim()}-${profile}`);
    if (!existsSync(path.join(dir, 'ground-truth.json'))) {
      const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', values.claims, '--seed', seed.trim(), '--profile', profile, '--out', dir], { stdio: 'inherit' });
      if (gen.status !== 0) throw new Error(`generating ${dir} failed`);
    }
    return dir;
  });
}

const worst = new Map<string, { f1: number; dataset: string }>();
let hardNegativesFlagged = 0;
const rows: { dataset: string; report: ReturnType<typeof score>; seconds: number }[] = [];
for (const dir of datasets()) {
  const started = performance.now();
  const set = await claimSetFromFiles(dir);
  const { candidates } = runDetectors(set);
  const rings = assembleRings(set, resolveOverlaps(candidates), 'eval');
  const truth = GroundTruthSchema.parse(JSON.parse(readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')));
  const report = score(truth, detectedRingsDocument('eval', new Date().toISOString(), rings));
  const seconds = (performance.now() - started) / 1000;
  rows.push({ dataset: path.basename(dir), report, seconds });
  console.log(`\n${dir}: ${set.claims.count} claims, ${rings.length} rings in ${seconds.toFixed(1)} s`);
  if (!values.quiet && !values.table) console.log(formatReport(report));
  for (const f of report.families) {
    const w = worst.get(f.family);
    if (!w || f.memberF1 < w.f1) worst.set(f.family, { f1: f.memberF1, dataset: path.basename(dir) });
  }
  hardNegativesFlagged += report.hardNegatives.flagged;
}
if (values.table) console.log(`\n${markdownTable(rows)}`);
console.log('\nworst member F1 per family across the datasets:');
for (const [family, w] of [...worst].sort()) console.log(`  ${family.padEnd(22)} ${w.f1.toFixed(3)}  (${w.dataset})`);
console.log(`hard-negative groups flagged in all: ${hardNegativesFlagged}`);

/** Markdown table for issue notes: datasets as rows, member F1 per family as columns. */
function markdownTable(list: typeof rows): string {
  const families = [...new Set(list.flatMap((r) => r.report.families.map((f) => f.family)))].sort();
  const head = ['dataset', ...families, 'overall', 'p@10', 'look-alikes flagged'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const { dataset, report } of list) {
    const f1 = (family: string) => report.families.find((f) => f.family === family)?.memberF1.toFixed(3) ?? '–';
    const p10 = report.top.find((t) => t.k === 10)?.precision.toFixed(1) ?? '–';
    lines.push(`| ${[dataset, ...families.map(f1), report.overall.memberF1.toFixed(3), p10, `${report.hardNegatives.flagged} of ${report.hardNegatives.groups}`].join(' | ')} |`);
  }
  return lines.join('\n');
}
