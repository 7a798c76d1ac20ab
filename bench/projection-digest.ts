/**
 * Digest of a full projection's whole state (ClaimSet columns, households, addresses, varied diagnoses,
 * node ids, trace codes) from a local instance: for checking that a change to how the projection reads
 * leaves what it builds byte for byte as it was.
 *
 *   npx tsx bench/projection-digest.ts --instance NAME [--sessions 2]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { claimSetDigest } from '../algorithms/claim-set-digest.ts';
import { loadEnv } from '../config/env.ts';
import { createDriver } from '../graph/driver.ts';
import { projectFull } from '../graph/projection/project-claims.ts';
import { ensureNeo4j } from '../stack/stack.ts';

const { values } = parseArgs({ options: { instance: { type: 'string' }, sessions: { type: 'string', default: '2' } } });
if (!values.instance) throw new Error('give --instance NAME');
const neo4j = await ensureNeo4j(loadEnv(), { instance: values.instance, neo4jPort: 0 });
const driver = createDriver(neo4j);
try {
  const { state } = await projectFull(driver, {}, () => {}, { sessions: Number(values.sessions) });
  const h = createHash('sha256');
  h.update(claimSetDigest(state.set));
  h.update(JSON.stringify([state.households, state.addresses, state.trace]));
  h.update(state.diagnosisVaried);
  for (const k of Object.keys(state.nodes).sort()) h.update(k).update(new Uint8Array(state.nodes[k as keyof typeof state.nodes].buffer));
  console.log(`${state.set.claims.count} claims, ${state.set.persons.id.length} persons, ${state.set.cards.id.length} cards: projection state digest ${h.digest('hex')}`);
} finally {
  await driver.close();
}
process.exit(0);
