import neo4j, { type Driver } from 'neo4j-driver';
import type { EdgeList } from './edge-list.ts';

/** Neo4j Graph Data Science's side of the comparison: the edge list stored in Neo4j, projected, Louvain in GDS. */

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

/** The GDS version the server reports; fails with what to do when the plugin is not loaded. */
export async function gdsVersion(driver: Driver): Promise<string> {
  try {
    const { records } = await driver.executeQuery('RETURN gds.version() AS v');
    return records[0]!.get('v') as string;
  } catch (err) {
    throw new Error(`the Neo4j server has no Graph Data Science plugin (RETURN gds.version() failed: ${(err as Error).message}); start a local one with \`ringlens neo4j start --gds\` or unset NEO4J_URI`);
  }
}

/**
 * Stores the graph as (:P {id})-[:CO {w}]->(:P), one relationship per undirected edge, in batched
 * UNWINDs. Relationships find their end nodes by element id (returned when the nodes are created):
 * about twice as fast as a lookup through the :P(id) index here.
 */
export async function loadIntoNeo4j(driver: Driver, el: EdgeList, batchSize: number): Promise<number> {
  const started = process.hrtime.bigint();
  await driver.executeQuery('CREATE CONSTRAINT p_id IF NOT EXISTS FOR (p:P) REQUIRE p.id IS UNIQUE');
  const elementIds: string[] = new Array<string>(el.ids.length);
  for (let i = 0; i < el.ids.length; i += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, el.ids.length - i) }, (_, k) => ({ i: i + k, id: el.ids[i + k] }));
    const { records } = await driver.executeQuery('UNWIND $batch AS n CREATE (p:P {id: n.id}) RETURN n.i AS i, elementId(p) AS eid', { batch });
    for (const r of records) elementIds[r.get('i') as number] = r.get('eid') as string;
  }
  for (let i = 0; i < el.source.length; i += batchSize) {
    const rows = [];
    for (let e = i; e < Math.min(i + batchSize, el.source.length); e++) rows.push({ s: elementIds[el.source[e]!], t: elementIds[el.target[e]!], w: el.weight[e] });
    await driver.executeQuery('UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.s MATCH (b) WHERE elementId(b) = r.t CREATE (a)-[:CO {w: r.w}]->(b)', { rows });
  }
  return seconds(started);
}

export interface Projection {
  wallSeconds: number;
  projectMillis: number;
  nodeCount: number;
  /** GDS counts each undirected edge twice (once per direction). */
  relationshipCount: number;
}

export async function projectGraph(driver: Driver, graphName: string): Promise<Projection> {
  const started = process.hrtime.bigint();
  const { records } = await driver.executeQuery(
    `CALL gds.graph.project($graphName, 'P', {CO: {orientation: 'UNDIRECTED', properties: 'w'}})
     YIELD nodeCount, relationshipCount, projectMillis`,
    { graphName },
  );
  const r = records[0]!;
  return { wallSeconds: seconds(started), projectMillis: r.get('projectMillis'), nodeCount: r.get('nodeCount'), relationshipCount: r.get('relationshipCount') };
}

export interface GdsLouvainRun {
  /** Around the procedure call, as a client sees it. */
  wallSeconds: number;
  /** GDS's own figures for the same call. */
  computeMillis: number;
  preProcessingMillis: number;
  mutateMillis: number;
  ranLevels: number;
  communities: number;
  reportedModularity: number;
  /** Community per node index of the edge list, read back after the run (not timed above). */
  partition: Int32Array;
}

/**
 * `gds.louvain.mutate` rather than `stats` + `stream`: one run gives GDS's timings and modularity
 * and leaves the very partition they describe in the projection (two calls would be two different
 * randomised runs). Default configuration apart from the weight and the concurrency.
 */
export async function runGdsLouvain(driver: Driver, graphName: string, run: number, concurrency: number, nodeIndex: Map<string, number>): Promise<GdsLouvainRun> {
  const property = `louvain_${run}`;
  const started = process.hrtime.bigint();
  const { records } = await driver.executeQuery(
    `CALL gds.louvain.mutate($graphName, {relationshipWeightProperty: 'w', mutateProperty: $property, concurrency: $concurrency})
     YIELD communityCount, modularity, ranLevels, preProcessingMillis, computeMillis, mutateMillis`,
    { graphName, property, concurrency: neo4j.int(concurrency) },
  );
  const wallSeconds = seconds(started);
  const r = records[0]!;
  const partition = new Int32Array(nodeIndex.size).fill(-1);
  const stream = await driver.executeQuery(
    `CALL gds.graph.nodeProperty.stream($graphName, $property) YIELD nodeId, propertyValue
     RETURN gds.util.asNode(nodeId).id AS id, propertyValue AS community`,
    { graphName, property },
  );
  for (const rec of stream.records) partition[nodeIndex.get(rec.get('id') as string)!] = rec.get('community') as number;
  const missing = partition.indexOf(-1);
  if (missing >= 0) throw new Error(`GDS returned no community for node index ${missing}`);
  return {
    wallSeconds,
    computeMillis: r.get('computeMillis'),
    preProcessingMillis: r.get('preProcessingMillis'),
    mutateMillis: r.get('mutateMillis'),
    ranLevels: r.get('ranLevels'),
    communities: r.get('communityCount'),
    reportedModularity: r.get('modularity'),
    partition,
  };
}

/** Heap the in-memory projection holds, as GDS estimates it (e.g. "38 MiB"). */
export async function projectionMemory(driver: Driver, graphName: string): Promise<string> {
  const { records } = await driver.executeQuery('CALL gds.graph.list($graphName) YIELD memoryUsage RETURN memoryUsage', { graphName });
  return (records[0]?.get('memoryUsage') as string | undefined) ?? '?';
}

export async function dropGraph(driver: Driver, graphName: string): Promise<void> {
  await driver.executeQuery('CALL gds.graph.drop($graphName, false) YIELD graphName RETURN graphName', { graphName });
}
