/**
 * Writes the recruited-patients detector's weighted co-visit projection of a generated dataset as a
 * `source,target,weight` CSV (person ID numbers, distinct co-visit days), the input
 * `npm run bench:gds -- FILE` takes to run GDS Louvain and graphology's Louvain on the same graph.
 *
 *   npx tsx scripts/export-covisit-edges.ts DATASET_DIR OUT.csv [--min-days N]
 *
 * --min-days overrides the detector's pruning (3 distinct days): 1 keeps every co-visit pair, the
 * unpruned graph, to compare both Louvains at a size where speed matters.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { coVisitEdges } from '../algorithms/detectors/co-visits.ts';
import { RECRUITED_DEFAULTS } from '../algorithms/detectors/recruited-patients.ts';
import { claimSetFromFiles } from '../evaluation/claim-set-from-files.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'min-days': { type: 'string' } } });
const [dir, out] = positionals;
if (!dir || !out) throw new Error('usage: npx tsx scripts/export-covisit-edges.ts DATASET_DIR OUT.csv [--min-days N]');
const minDays = values['min-days'] === undefined ? RECRUITED_DEFAULTS.minDays : Number(values['min-days']);
if (!Number.isInteger(minDays) || minDays < 1) throw new Error(`--min-days must be a whole number ≥ 1, got "${values['min-days']}"`);
const set = await claimSetFromFiles(dir);
const edges = coVisitEdges(set, { ...RECRUITED_DEFAULTS, minDays });
const file = createWriteStream(out);
file.write('source,target,weight\n');
for (let e = 0; e < edges.source.length; e++) {
  if (!file.write(`${set.persons.id[edges.source[e]!]},${set.persons.id[edges.target[e]!]},${edges.weight[e]}\n`)) await once(file, 'drain');
}
file.end();
await once(file, 'finish');
console.log(`${out}: ${edges.source.length} edges (pairs seen ${edges.pairsSeen}, ${edges.explainedPairs} explained as household/address, pruned below ${minDays} days)`);
