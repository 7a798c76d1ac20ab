import { describe, expect, it } from 'vitest';
import { ringCommunities, type WeightedEdgeList } from '../../../algorithms/communities.ts';
import { seededRandom } from '../../../algorithms/stats.ts';

/**
 * A projection numbers entities in its own order (a bulk-loaded store's node order is not the files'):
 * communities of the same graph of the same named entities must not depend on that numbering.
 */
describe('ringCommunities with names', () => {
  // Groups of 6–12 people densely linked inside, loosely across, in components large enough for Louvain.
  function graph(seed: number): { names: string[]; edges: [string, string, number][] } {
    const rnd = seededRandom(seed);
    const names = Array.from({ length: 240 }, (_, i) => `P${String(i).padStart(4, '0')}`);
    const edges: [string, string, number][] = [];
    for (let a = 0; a < names.length; a++)
      for (let b = a + 1; b < names.length; b++) {
        const sameGroup = Math.floor(a / 8) === Math.floor(b / 8);
        if (rnd() < (sameGroup ? 0.6 : 0.012)) edges.push([names[a]!, names[b]!, 1 + Math.floor(rnd() * 3)]);
      }
    return { names, edges };
  }
  function numbered(g: ReturnType<typeof graph>, seed: number): { list: WeightedEdgeList; nameOf: (v: number) => string; count: number } {
    const rnd = seededRandom(seed);
    const order = [...g.names];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const index = new Map(order.map((n, i) => [n, i]));
    const edges = [...g.edges];
    for (let i = edges.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [edges[i], edges[j]] = [edges[j]!, edges[i]!];
    }
    return {
      list: { source: edges.map((e) => index.get(e[0])!), target: edges.map((e) => index.get(e[1])!), weight: edges.map((e) => e[2]) },
      nameOf: (v) => order[v]!,
      count: order.length,
    };
  }
  const byName = (communities: number[][], nameOf: (v: number) => string) => communities.map((c) => c.map(nameOf).sort().join(' ')).sort();

  it('gives the same communities however the nodes and edges are numbered', () => {
    for (const seed of [1, 2, 3]) {
      const g = graph(seed);
      const results = [11, 12, 13, 14].map((perm) => {
        const n = numbered(g, perm);
        return byName(ringCommunities(n.count, n.list, { minSize: 3, maxSize: 20, seed: 7, key: n.nameOf }), n.nameOf);
      });
      for (const r of results.slice(1)) expect(r).toEqual(results[0]);
      expect(results[0]!.length).toBeGreaterThan(5);
    }
  });
});
