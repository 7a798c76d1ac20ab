/**
 * Writes the recruited-patients detector's weighted co-occurrence projection of a generated dataset as a
 * `source,target,weight` CSV (person ID numbers, distinct days as neighbours in an institution's visit
 * sequence), the input `npm run bench:gds -- FILE` takes to run GDS Louvain and graphology's Louvain on
 * the same graph.
 *
 *   npx tsx scripts/export-covisit-edges.ts DATASET_DIR OUT.csv [--min-days N]
 *
 * --min-days overrides the detector's pruning (2 shared days): 1 keeps every neighbour pair, the
 * unpruned graph, to compare both Louvains at a size where speed matters.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { RECRUITED_DEFAULTS, patientCoOccurrence } from '../algorithms/detectors/recruited-patients.ts';
import { compileKnowledge } from '../algorithms/knowledge.ts';
import { buildKinship } from '../algorithms/kinship.ts';
import { loadKnowledge } from '../detection/knowledge.ts';
import { claimSetFromFiles } from '../evaluation/claim-set-from-files.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'min-days': { type: 'string' } } });
const [dir, out] = positionals;
if (!dir || !out) throw new Error('usage: npx tsx scripts/export-covisit-edges.ts DATASET_DIR OUT.csv [--min-days N]');
const minDays = values['min-days'] === undefined ? RECRUITED_DEFAULTS.minSharedDays : Number(values['min-days']);
if (!Number.isInteger(minDays) || minDays < 1) throw new Error(`--min-days must be a whole number ≥ 1, got "${values['min-days']}"`);
const set = await claimSetFromFiles(dir);
const knowledge = compileKnowledge(set, loadKnowledge());
const { edges } = patientCoOccurrence(set, { ...RECRUITED_DEFAULTS, minSharedDays: minDays }, knowledge, buildKinship(set, knowledge.compoundSurnames));
const file = createWriteStream(out);
file.write('source,target,weight\n');
for (let e = 0; e < edges.source.length; e++) {
  if (!file.write(`${set.persons.id[edges.source[e]!]},${set.persons.id[edges.target[e]!]},${edges.weight[e]}\n`)) await once(file, 'drain');
}
file.end();
await once(file, 'finish');
console.log(`${out}: ${edges.source.length} edges (family pairs dropped, pruned below ${minDays} shared days)`);
