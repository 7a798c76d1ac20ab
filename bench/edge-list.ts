import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

/**
 * A weighted undirected graph read from a `source,target,weight` CSV (string ids), in the shape
 * both Louvain runs consume: node ids in first-seen order, edges as parallel typed arrays of node
 * indexes. Both sides of the comparison get exactly this graph.
 */
export interface EdgeList {
  ids: string[];
  source: Int32Array;
  target: Int32Array;
  weight: Float64Array;
  rows: number;
  /** Rows naming a pair seen before (either direction): their weights were added up. */
  duplicatesMerged: number;
  /** Rows with source = target: left out (a co-visit projection has none). */
  selfLoopsDropped: number;
}

export async function readEdgeList(file: string): Promise<EdgeList> {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const nodeOf = (id: string) => {
    let i = index.get(id);
    if (i === undefined) {
      if (ids.length === 2 ** 26) throw new Error(`${file}: more than 2^26 nodes, more than this reader indexes`);
      i = ids.length;
      index.set(id, i);
      ids.push(id);
    }
    return i;
  };
  // Pair key → position in the edge arrays; node indexes stay far below 2^26, so lo * 2^26 + hi is exact.
  const edgeOf = new Map<number, number>();
  const source: number[] = [];
  const target: number[] = [];
  const weight: number[] = [];
  let rows = 0;
  let duplicatesMerged = 0;
  let selfLoopsDropped = 0;
  const parser = createReadStream(file).pipe(parse({ columns: true, trim: true, skip_empty_lines: true }));
  for await (const row of parser as AsyncIterable<Record<string, string | undefined>>) {
    rows++;
    const line = rows + 1;
    const { source: s, target: t, weight: w } = row;
    if (!s || !t || w === undefined) throw new Error(`${file}:${line}: need columns source,target,weight (got ${Object.keys(row).join(',')})`);
    const wt = Number(w);
    if (!Number.isFinite(wt) || wt < 0) throw new Error(`${file}:${line}: weight must be a number ≥ 0, got "${w}"`);
    if (s === t) {
      selfLoopsDropped++;
      continue;
    }
    const u = nodeOf(s);
    const v = nodeOf(t);
    const key = u < v ? u * 2 ** 26 + v : v * 2 ** 26 + u;
    const e = edgeOf.get(key);
    if (e !== undefined) {
      weight[e]! += wt;
      duplicatesMerged++;
      continue;
    }
    edgeOf.set(key, source.length);
    source.push(u);
    target.push(v);
    weight.push(wt);
  }
  return { ids, source: Int32Array.from(source), target: Int32Array.from(target), weight: Float64Array.from(weight), rows, duplicatesMerged, selfLoopsDropped };
}
