/**
 * Where one detector family wins and loses on a dataset with ground truth: for every planted ring of the
 * family, the detected ring that overlaps it most (Jaccard, rank, score), the members it missed and the
 * members it added, by type and role; then every detected ring of the family that matches nothing, with
 * what it overlaps instead (a look-alike group, a ring of another family, or nothing known).
 * A tuning aid that reads the same files a scored run does; it never changes anything.
 *
 *   npx tsx scripts/explain-family.ts .cache/redteam/default-seed-3 recruited-patients [--ids]
 *   (--ids also lists the missed and added members by id)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assembleRings } from '../detection/assemble.ts';
import { resolveOverlaps } from '../detection/resolve-overlaps.ts';
import { detectedRingsDocument } from '../detection/run-detection.ts';
import { runDetectors } from '../detection/run-detectors.ts';
import { claimSetFromFiles } from '../evaluation/claim-set-from-files.ts';
import { GroundTruthSchema } from '../evaluation/formats.ts';
import { jaccard, MATCH_JACCARD, memberSet } from '../evaluation/score.ts';

const [dir, family] = process.argv.slice(2).filter((a) => a !== '--ids');
const showIds = process.argv.includes('--ids');
if (!dir || !family) {
  console.error('usage: explain-family.ts DATASET_DIR FAMILY');
  process.exit(2);
}

const truth = GroundTruthSchema.parse(JSON.parse(readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')));
const set = await claimSetFromFiles(dir);
const { candidates } = runDetectors(set);
const detected = detectedRingsDocument('explain', new Date().toISOString(), assembleRings(set, resolveOverlaps(candidates), 'explain')).rings;

const roleOf = new Map<string, string>();
for (const r of truth.rings) for (const m of r.members) roleOf.set(`${m.type}:${m.id}`, `${r.family}/${m.role}`);
for (const g of truth.hardNegatives) for (const m of g.members) if (!roleOf.has(`${m.type}:${m.id}`)) roleOf.set(`${m.type}:${m.id}`, `look-alike ${g.kind}/${m.role}`);

function tally(keys: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const k of keys) {
    const label = `${k.split(':')[0]}${roleOf.has(k) ? ` (${roleOf.get(k)})` : ''}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${n} ${label}`).join(', ') || '–';
}

const mine = detected.filter((d) => d.family === family).map((d) => ({ ring: d, members: memberSet(d.members), matched: false }));
for (const planted of truth.rings.filter((r) => r.family === family)) {
  const want = memberSet(planted.members);
  const ranked = mine.map((d) => ({ d, j: jaccard(want, d.members) })).sort((a, b) => b.j - a.j);
  const best = ranked[0];
  console.log(`\n${planted.ringId} ${planted.variant ?? ''} (${want.size} members): ${planted.description}`);
  if (!best || best.j === 0) {
    console.log('  not found by this family');
    continue;
  }
  for (const r of ranked) if (r.j >= MATCH_JACCARD) r.d.matched = true;
  const missed = [...want].filter((k) => !best.d.members.has(k));
  const added = [...best.d.members].filter((k) => !want.has(k));
  console.log(`  best ${best.d.ring.ringId} rank ${best.d.ring.rank} score ${best.d.ring.score} jaccard ${best.j.toFixed(2)}; ${ranked.filter((r) => r.j > 0).length} detected rings touch it`);
  console.log(`  missed: ${tally(missed)}`);
  console.log(`  added:  ${tally(added)}`);
  if (showIds) console.log(`  missed ids: ${missed.join(' ')}\n  added ids:  ${added.join(' ')}`);
}

console.log(`\nunmatched ${family} rings:`);
for (const { ring, members } of mine.filter((d) => !d.matched)) {
  console.log(`  ${ring.ringId} rank ${ring.rank} score ${ring.score} (${members.size} members): ${tally(members)}`);
  console.log(`    ${ring.explanation?.slice(0, 300) ?? ''}`);
}
