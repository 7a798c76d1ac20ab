import neo4j, { type Driver } from 'neo4j-driver';
import { readQuery } from '../auto-commit.ts';
import { EXPLORABLE_LABELS, LABEL_OF, nodeRow, nodeView, rowToNode, WALKABLE, type NodeRow, type NodeType, type RawNode } from './nodes.ts';

/**
 * Exploration from any node: neighbourhood expansion (1–2 hops, type filters, a node cap) and the
 * shortest connection between two nodes. Both walk only the claims graph's own relationships (and
 * ring membership), never item lines or regions, which would connect everything to everything.
 */

/** Query text on one line: indentation is bytes on the wire for every request. (No string literals inside.) */
const oneLine = (cypher: string) => cypher.replace(/\s+/g, ' ');

export interface RawEdge {
  id: string;
  type: string;
  source: string;
  target: string;
}

const edgeView = (r: string) => `{id: elementId(${r}), type: type(${r}), source: elementId(startNode(${r})), target: elementId(endNode(${r}))}`;

export interface Expansion {
  origin: RawNode;
  nodes: RawNode[];
  edges: RawEdge[];
  truncated: boolean;
}

export async function expandNode(driver: Driver, id: string, opts: { hops: 1 | 2; types?: NodeType[] | undefined; limit: number }): Promise<Expansion | null> {
  const labels = opts.types?.length ? opts.types.map((t) => LABEL_OF[t]) : null;
  const rels = WALKABLE.filter((t) => t !== 'HAS_MEMBER' || !labels || labels.includes('Ring')).join('|');
  // The origin and its first hop in one round trip: most expansions are one hop, and at 50 concurrent
  // investigators the per-query overhead (session, transaction, round trip) was half the cost.
  // DISTINCT … LIMIT streams, so a hub (an institution with 15,000 claims) stops after the cap
  // instead of grouping all its relationships; each kept neighbour's edges are then read between two
  // bound nodes.
  // The origin travels as the first row of the node list, so the node projection is written once; with the
  // label filter left out when there is none and the text on one line, the query fits one Bolt write
  // (the driver's 1,400-byte buffer): one socket write and one server wake-up instead of two.
  const labelFilter = labels ? 'AND any(l IN labels(m) WHERE l IN $labels)' : '';
  const first = await readQuery(driver,
    oneLine(`MATCH (o) WHERE elementId(o) = $id AND any(l IN labels(o) WHERE l IN $kinds)
     CALL (o) {
       MATCH (o)-[:${rels}]-(m) WHERE m <> o ${labelFilter}
       WITH DISTINCT m LIMIT $room
       CALL (o, m) { MATCH (o)-[r:${rels}]-(m) RETURN collect(r)[0..20] AS rs }
       RETURN collect([m, [r IN rs | [elementId(r), type(r), startNode(r) = o]]]) AS found
     }
     RETURN [x IN [o] + [f IN found | f[0]] | ${nodeRow('x')}] AS nodes, [f IN found | f[1]] AS edges`),
    { id, labels, kinds: EXPLORABLE_LABELS, room: neo4j.int(opts.limit + 1) },
    { timeoutMs: 15_000 },
  );
  const record = first.records[0];
  if (!record) return null;
  const [originRow, ...rows] = record.get('nodes') as NodeRow[];
  const edgeRows = record.get('edges') as [string, string, boolean][][];
  const origin = rowToNode(originRow!);
  const nodes = new Map<string, RawNode>();
  const edges = new Map<string, RawEdge>();
  let truncated = false;
  // Rows, not maps (see nodeRow); every first-hop edge joins the origin and m, so only its direction travels.
  const firstFound = rows.map((row, i) => {
    const node = rowToNode(row);
    return { node, edges: edgeRows[i]!.map(([rid, type, out]): RawEdge => ({ id: rid, type, source: out ? id : node.id, target: out ? node.id : id })) };
  });
  if (firstFound.length > opts.limit) {
    truncated = true;
    firstFound.length = opts.limit;
  }
  for (const f of firstFound) {
    nodes.set(f.node.id, f.node);
    for (const e of f.edges) edges.set(e.id, e);
  }
  let frontier = firstFound.map((f) => f.node.id);
  for (let hop = 2; hop <= opts.hops && frontier.length; hop++) {
    const room = opts.limit - nodes.size;
    if (room <= 0) {
      truncated = true;
      break;
    }
    // Neighbours not seen yet; one more than there is room for tells whether the cap cut anything.
    const { records } = await readQuery(driver,
      `UNWIND $frontier AS fid
       MATCH (f) WHERE elementId(f) = fid
       MATCH (f)-[r:${rels}]-(m)
       WHERE elementId(m) <> $origin AND NOT elementId(m) IN $seen AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))
       WITH m, collect(r)[0..20] AS rs
       LIMIT $room
       RETURN ${nodeRow('m')} AS node, [r IN rs | [elementId(r), type(r), elementId(startNode(r)), elementId(endNode(r))]] AS edges`,
      { frontier, origin: id, seen: [...nodes.keys()], labels, room: neo4j.int(room + 1) },
      { timeoutMs: 15_000 },
    );
    // Rows again (see nodeRow), here with both ends of each edge.
    const found = records.map((r) => ({
      node: rowToNode(r.get('node') as NodeRow),
      edges: (r.get('edges') as [string, string, string, string][]).map(([eid, type, source, target]): RawEdge => ({ id: eid, type, source, target })),
    }));
    if (found.length > room) {
      truncated = true;
      found.length = room;
    }
    for (const f of found) {
      nodes.set(f.node.id, f.node);
      for (const e of f.edges) edges.set(e.id, e);
    }
    frontier = found.map((f) => f.node.id);
  }
  const keep = new Set([id, ...nodes.keys()]);
  return { origin, nodes: [...nodes.values()], edges: [...edges.values()].filter((e) => keep.has(e.source) && keep.has(e.target)), truncated };
}

export interface Connection {
  from: RawNode | null;
  to: RawNode | null;
  path: { nodes: RawNode[]; edges: RawEdge[] } | null;
}

export class PathTimeout extends Error {
  override name = 'PathTimeout';
}

export async function shortestConnection(driver: Driver, from: string, to: string, maxHops: number, timeoutMs = 10_000): Promise<Connection> {
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 10) throw new RangeError('maxHops must be an integer 1..10');
  const rels = WALKABLE.filter((t) => t !== 'HAS_MEMBER').join('|');
  try {
    const { records } = await driver.executeQuery(
      `OPTIONAL MATCH (a) WHERE elementId(a) = $from AND any(l IN labels(a) WHERE l IN $kinds)
       OPTIONAL MATCH (b) WHERE elementId(b) = $to AND any(l IN labels(b) WHERE l IN $kinds)
       CALL (a, b) {
         OPTIONAL MATCH p = shortestPath((a)-[:${rels}*..${maxHops}]-(b))
         WHERE a IS NOT NULL AND b IS NOT NULL
         RETURN p LIMIT 1
       }
       RETURN CASE WHEN a IS NULL THEN null ELSE ${nodeView('a')} END AS a, CASE WHEN b IS NULL THEN null ELSE ${nodeView('b')} END AS b,
              CASE WHEN p IS NULL THEN null ELSE {nodes: [x IN nodes(p) | ${nodeView('x')}], edges: [r IN relationships(p) | ${edgeView('r')}]} END AS path`,
      { from, to, kinds: EXPLORABLE_LABELS },
      { routing: 'READ', transactionConfig: { timeout: timeoutMs } },
    );
    const r = records[0]!;
    return { from: r.get('a') as RawNode | null, to: r.get('b') as RawNode | null, path: r.get('path') as Connection['path'] };
  } catch (e) {
    if (/TransactionTimedOut|terminated/i.test(String((e as { code?: string }).code ?? '') + String((e as Error).message))) throw new PathTimeout(`no answer within ${timeoutMs / 1000} s`);
    throw e;
  }
}
