/**
 * How far two partitions of the same nodes agree, independent of how communities are numbered.
 * Labels are given per node index (`a[i]` and `b[i]` are node i's community in each partition).
 * Used to compare community detectors (our graphology Louvain against Neo4j GDS's) on one graph.
 */

/** Node counts per community of a (rows), of b (cols), and per (row, col) pair that occurs. */
interface Contingency {
  n: number;
  rows: number[];
  cols: number[];
  cellRow: number[];
  cellCol: number[];
  cellCount: number[];
}

function contingency(a: ArrayLike<number>, b: ArrayLike<number>): Contingency {
  if (a.length !== b.length) throw new Error(`partitions cover different node counts: ${a.length} and ${b.length}`);
  const n = a.length;
  const rowOf = new Map<number, number>();
  const colOf = new Map<number, number>();
  const cellOf = new Map<number, number>();
  const t: Contingency = { n, rows: [], cols: [], cellRow: [], cellCol: [], cellCount: [] };
  for (let i = 0; i < n; i++) {
    const r = denseIndex(rowOf, t.rows, a[i]!);
    const c = denseIndex(colOf, t.cols, b[i]!);
    t.rows[r]!++;
    t.cols[c]!++;
    // r * n + c is unique per pair and exact in a double for any graph that fits in memory.
    const key = r * n + c;
    let k = cellOf.get(key);
    if (k === undefined) {
      k = t.cellCount.length;
      cellOf.set(key, k);
      t.cellRow.push(r);
      t.cellCol.push(c);
      t.cellCount.push(0);
    }
    t.cellCount[k]!++;
  }
  return t;
}

/** Numbers labels 0, 1, 2, … in order of first appearance and counts their members. */
function denseIndex(index: Map<number, number>, counts: number[], label: number): number {
  let i = index.get(label);
  if (i === undefined) {
    i = counts.length;
    index.set(label, i);
    counts.push(0);
  }
  return i;
}

const pairs = (x: number) => (x * (x - 1)) / 2;
const sum = (xs: number[], f: (x: number) => number) => xs.reduce((s, x) => s + f(x), 0);

/**
 * Adjusted Rand index (Hubert & Arabie 1985): agreement on which node pairs share a community,
 * corrected for chance. 1 = identical, about 0 = no better than random, can be negative.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const t = contingency(a, b);
  if (t.n < 2) return 1;
  const index = sum(t.cellCount, pairs);
  const rowPairs = sum(t.rows, pairs);
  const colPairs = sum(t.cols, pairs);
  const expected = (rowPairs * colPairs) / pairs(t.n);
  const max = (rowPairs + colPairs) / 2;
  // Only when both partitions are all singletons, or both one community: they are identical.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/**
 * Normalized mutual information, normalized by the arithmetic mean of the two entropies (the
 * scikit-learn default). 1 = identical, 0 = independent.
 */
export function normalizedMutualInformation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const t = contingency(a, b);
  const entropy = (counts: number[]) => -sum(counts, (x) => (x / t.n) * Math.log(x / t.n));
  const ha = entropy(t.rows);
  const hb = entropy(t.cols);
  if (ha + hb === 0) return 1; // both put every node into one community (or there are no nodes)
  let mi = 0;
  for (let k = 0; k < t.cellCount.length; k++) {
    const nij = t.cellCount[k]!;
    mi += (nij / t.n) * Math.log((t.n * nij) / (t.rows[t.cellRow[k]!]! * t.cols[t.cellCol[k]!]!));
  }
  return mi / ((ha + hb) / 2);
}
