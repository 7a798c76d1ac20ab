import { UndirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { louvain } from '../../../algorithms/graphology-louvain.ts';
import { modularity } from '../../../algorithms/modularity.ts';
import { adjustedRandIndex, normalizedMutualInformation } from '../../../algorithms/partition-agreement.ts';
import { partitionSizes } from '../../../algorithms/partition-sizes.ts';

describe('agreement between two partitions', () => {
  it('is 1 for the same grouping under other community numbers', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [7, 7, 3, 3, 9])).toBe(1);
    expect(normalizedMutualInformation([0, 0, 1, 1, 2], [7, 7, 3, 3, 9])).toBeCloseTo(1, 12);
  });

  it('matches hand-computed values when one partition splits a community of the other', () => {
    // pairs together: a {01, 23}, b {01}; ARI = (1 - 1/3) / (3/2 - 1/3) = 4/7.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 12);
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(4 / 7, 12);
    // b refines a, so MI = H(a) = ln 2; H(b) = 1.5 ln 2; NMI = ln 2 / (1.25 ln 2) = 0.8.
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.8, 12);
  });

  it('is 0 (NMI) and below 0 (ARI) for groupings that cut across each other', () => {
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });

  it('treats two trivial identical partitions as identical and refuses different node counts', () => {
    expect(adjustedRandIndex([1, 1, 1], [2, 2, 2])).toBe(1);
    expect(normalizedMutualInformation([1, 1, 1], [2, 2, 2])).toBe(1);
    expect(adjustedRandIndex([0, 1, 2], [5, 6, 7])).toBe(1);
    expect(() => adjustedRandIndex([0, 1], [0, 1, 2])).toThrow(/different node counts: 2 and 3/);
  });
});

describe('modularity', () => {
  // Two triangles joined by one edge: Q = 2 × (3/7 − (7/14)²) = 5/14.
  const twoTriangles = { source: [0, 1, 0, 3, 4, 3, 2], target: [1, 2, 2, 4, 5, 5, 3], weight: [1, 1, 1, 1, 1, 1, 1] };

  it('is 5/14 for two triangles joined by a bridge, split at the bridge', () => {
    expect(modularity(twoTriangles, [0, 0, 0, 1, 1, 1])).toBeCloseTo(5 / 14, 12);
  });

  it('does not change when every weight is scaled, and is 0 for one community', () => {
    expect(modularity({ ...twoTriangles, weight: twoTriangles.weight.map((w) => w * 3.5) }, [0, 0, 0, 1, 1, 1])).toBeCloseTo(5 / 14, 12);
    expect(modularity(twoTriangles, [4, 4, 4, 4, 4, 4])).toBeCloseTo(0, 12);
  });

  it('agrees with the modularity graphology-communities-louvain reports for its own result', () => {
    const g = new UndirectedGraph();
    const edges = { source: [] as number[], target: [] as number[], weight: [] as number[] };
    const add = (u: number, v: number, w: number) => {
      g.mergeEdge(String(u), String(v), { weight: w });
      edges.source.push(u);
      edges.target.push(v);
      edges.weight.push(w);
    };
    // Five weighted 5-cliques in a ring, tied by light edges.
    for (let c = 0; c < 5; c++) {
      for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) add(c * 5 + i, c * 5 + j, 1 + ((i + j) % 3));
      add(c * 5, ((c + 1) % 5) * 5 + 1, 0.5);
    }
    const result = louvain.detailed(g, { getEdgeWeight: 'weight', rng: () => 0.5 });
    const labels = Array.from({ length: 25 }, (_, i) => result.communities[String(i)]!);
    expect(modularity(edges, labels)).toBeCloseTo(result.modularity, 9);
  });
});

describe('community sizes', () => {
  it('gives count, smallest, largest, median, rings of 3 or more and singletons', () => {
    expect(partitionSizes([1, 1, 1, 2, 2, 3, 4, 4, 4, 4])).toEqual({ communities: 4, minSize: 1, maxSize: 4, medianSize: 2.5, atLeast3: 2, singletons: 1 });
    expect(partitionSizes([])).toEqual({ communities: 0, minSize: 0, maxSize: 0, medianSize: 0, atLeast3: 0, singletons: 0 });
  });
});
