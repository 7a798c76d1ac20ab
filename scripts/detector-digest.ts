/**
 * Digest of what the detectors find, for checking that a change to the projection or to the ClaimSet's
 * representation leaves detection exactly as it was. Projects from a local Neo4j instance (or builds the
 * ClaimSet from canonical files), runs `runDetectors`, overlap resolution and ring assembly as a run does,
 * and prints a SHA-256 over every candidate (family, members with roles, evidence claims, confidence,
 * surprise, evidence facts) and every assembled ring (family, score, members, claims, amounts), all in
 * natural keys so the digest does not depend on internal indices. Writes the canonical lines to --dump
 * for a diff when two digests disagree.
 *
 *   npx tsx scripts/detector-digest.ts --instance digest-300k [--dump out.txt]
 *   npx tsx scripts/detector-digest.ts --files .cache/bench/claims-300000-seed-7-varied
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { claimId, type ClaimSet } from '../algorithms/claim-set.ts';
import type { EntityRef, RingCandidate } from '../algorithms/detectors/types.ts';
import { loadEnv } from '../config/env.ts';
import { assembleRings } from '../detection/assemble.ts';
import { resolveOverlaps } from '../detection/resolve-overlaps.ts';
import { runDetectors } from '../detection/run-detectors.ts';
import { claimSetFromFiles } from '../evaluation/claim-set-from-files.ts';
import { createDriver } from '../graph/driver.ts';
import { projectClaims } from '../graph/projection/project-claims.ts';
import { ensureNeo4j, stopStack } from '../stack/stack.ts';

const { values } = parseArgs({ options: { instance: { type: 'string' }, files: { type: 'string' }, dump: { type: 'string' }, keep: { type: 'boolean', default: false } } });

export function entityKey(set: ClaimSet, e: EntityRef): string {
  const table = e.type === 'person' ? set.persons.id : e.type === 'card' ? set.cards.id : e.type === 'doctor' ? set.doctors.id : set.institutions.id;
  return `${e.type}:${table[e.index] ?? `?${e.index}`}`;
}

/** Canonical text lines of what the detectors found, in their output order. */
export function detectionLines(set: ClaimSet, candidates: RingCandidate[]): string[] {
  const lines: string[] = [];
  const claim = (i: number) => (i >= 0 && i < set.claims.count ? claimId(set.claims.id, i) : `?${i}`);
  for (const c of candidates) {
    lines.push(
      [
        'C',
        c.family,
        c.confidence,
        c.surprise ?? '',
        c.members.map((m) => `${entityKey(set, m)}/${m.role}`).join(','),
        c.claims.map(claim).join(','),
        c.evidence
          .map((e) => `${e.key}${JSON.stringify(e.facts)}w${e.weight}[${e.entities.map((x) => entityKey(set, x)).join(',')}](${(e.claims ?? []).map(claim).join(',')})`)
          .join(';'),
      ].join('|'),
    );
  }
  const rings = assembleRings(set, resolveOverlaps(candidates), 'digest');
  for (const r of rings) {
    lines.push(
      [
        'R',
        r.family,
        r.supportingFamilies.join(','),
        r.score,
        r.members.map((m) => `${m.type}:${m.id}/${m.role}`).join(','),
        r.claimIds.join(','),
        r.totalAmount,
        r.fundPaid,
        r.region ?? '',
        r.period ? `${r.period.start}..${r.period.end}` : '',
        r.evidence.map((e) => e.en).join(';'),
      ].join('|'),
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const env = loadEnv();
  let set: ClaimSet;
  let stop = async () => {};
  const t0 = performance.now();
  if (values.files) set = await claimSetFromFiles(values.files);
  else if (values.instance) {
    const neo4j = await ensureNeo4j(env, { instance: values.instance, neo4jPort: 0 });
    const driver = createDriver(neo4j);
    try {
      set = await projectClaims(driver);
    } finally {
      await driver.close();
    }
    if (!values.keep) stop = () => stopStack(env, values.instance!, { neo4j, redis: { url: '', owned: false } });
  } else throw new Error('give --instance NAME (a local Neo4j instance holding claims) or --files DIR (canonical files)');
  const projected = (performance.now() - t0) / 1000;
  const { candidates } = runDetectors(set);
  const lines = detectionLines(set, candidates);
  const hash = createHash('sha256');
  for (const l of lines) hash.update(`${l}\n`);
  if (values.dump) writeFileSync(values.dump, lines.join('\n') + '\n');
  const rings = lines.filter((l) => l.startsWith('R|')).length;
  console.log(`${set.claims.count} claims (projected in ${projected.toFixed(1)} s), ${candidates.length} candidates, ${rings} rings`);
  console.log(`detector digest ${hash.digest('hex')}`);
  await stop();
}

await main();
