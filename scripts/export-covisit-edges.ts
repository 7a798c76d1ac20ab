/**
 * Writes the recruited-patients detector's weighted co-visit projection of a generated dataset as a
 * `source,target,weight` CSV (person ID numbers, distinct co-visit days), the input
 * `npm run bench:gds -- FILE` takes to run GDS Louvain and graphology's Louvain on the same graph.
 *
 *   npx tsx scripts/export-covisit-edges.ts DATASET_DIR OUT.csv
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { coVisitEdges } from '../algorithms/detectors/co-visits.ts';
import { RECRUITED_DEFAULTS } from '../algorithms/detectors/recruited-patients.ts';
import { claimSetFromFiles } from '../evaluation/claim-set-from-files.ts';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: npx tsx scripts/export-covisit-edges.ts DATASET_DIR OUT.csv');
const set = await claimSetFromFiles(dir);
const edges = coVisitEdges(set, RECRUITED_DEFAULTS);
const file = createWriteStream(out);
file.write('source,target,weight\n');
for (let e = 0; e < edges.source.length; e++) {
  if (!file.write(`${set.persons.id[edges.source[e]!]},${set.persons.id[edges.target[e]!]},${edges.weight[e]}\n`)) await once(file, 'drain');
}
file.end();
await once(file, 'finish');
console.log(`${out}: ${edges.source.length} edges (pairs seen ${edges.pairsSeen}, ${edges.explainedPairs} explained as household/address, pruned below ${RECRUITED_DEFAULTS.minDays} days)`);
