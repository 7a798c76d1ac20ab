import { UndirectedGraph } from 'graphology';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { louvain } from '../../algorithms/graphology-louvain.ts';
import { adjustedRandIndex } from '../../algorithms/partition-agreement.ts';
import { loadEnv } from '../../config/env.ts';
import { createDriver } from '../../graph/driver.ts';
import { GDS_VERSION } from '../../stack/gds-plugin.ts';
import { startNeo4j, stopNeo4j } from '../../stack/neo4j-local.ts';

/**
 * The opt-in GDS provisioning end to end: plugin jars from Maven Central, a local Neo4j started
 * with them, procedures callable. Always a local instance of its own (what is tested is our
 * provisioning, so NEO4J_URI does not apply), stopped afterwards. Never skipped: if Maven Central
 * or the plugin fails, this fails with Neo4j's own error lines.
 */
const INSTANCE = 'test-gds';
const env = loadEnv();
let driver: Driver;

// Two heavy triangles joined by one light edge: every Louvain must split them at the bridge.
const EDGES: [string, string, number][] = [
  ['a', 'b', 5], ['b', 'c', 5], ['a', 'c', 5],
  ['d', 'e', 5], ['e', 'f', 5], ['d', 'f', 5],
  ['c', 'd', 0.5],
];

beforeAll(async () => {
  const s = await startNeo4j({ cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: INSTANCE, heap: '1g', pageCache: '256m', preferredPort: 0, fresh: true, withGds: true });
  driver = createDriver(s);
}, 300_000);

afterAll(async () => {
  await driver?.close();
  await stopNeo4j({ cacheDir: env.RINGLENS_CACHE_DIR, name: INSTANCE });
});

describe('Neo4j with the Graph Data Science plugin assembled from Maven Central', () => {
  it('reports the pinned OpenGDS version and edition', async () => {
    const { records } = await driver.executeQuery("CALL gds.debug.sysInfo() YIELD key, value WITH key, value WHERE key IN ['gdsVersion', 'gdsEdition'] RETURN key, value");
    const info = Object.fromEntries(records.map((r) => [r.get('key'), r.get('value')]));
    expect(info).toEqual({ gdsVersion: GDS_VERSION, gdsEdition: 'OpenGDS' });
  });

  it('runs Louvain on a weighted undirected projection and agrees with graphology on a clear-cut graph', async () => {
    await driver.executeQuery('UNWIND $edges AS e MERGE (a:P {id: e[0]}) MERGE (b:P {id: e[1]}) CREATE (a)-[:CO {w: e[2]}]->(b)', { edges: EDGES });
    const projected = await driver.executeQuery("CALL gds.graph.project('tiny', 'P', {CO: {orientation: 'UNDIRECTED', properties: 'w'}}) YIELD nodeCount, relationshipCount RETURN nodeCount, relationshipCount");
    expect(projected.records[0]!.toObject()).toEqual({ nodeCount: 6, relationshipCount: 14 });
    const { records } = await driver.executeQuery(
      "CALL gds.louvain.stream('tiny', {relationshipWeightProperty: 'w'}) YIELD nodeId, communityId RETURN gds.util.asNode(nodeId).id AS id, communityId ORDER BY id",
    );
    const ids = records.map((r) => r.get('id') as string);
    const gds = records.map((r) => r.get('communityId') as number);

    const g = new UndirectedGraph();
    for (const [s, t, w] of EDGES) g.mergeEdge(s, t, { weight: w });
    const ours = louvain(g, { getEdgeWeight: 'weight', rng: () => 0.5 });

    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(new Set(gds).size).toBe(2);
    expect(adjustedRandIndex(gds, ids.map((id) => ours[id]!))).toBe(1);
    await driver.executeQuery("CALL gds.graph.drop('tiny') YIELD graphName RETURN graphName");
  });
});
