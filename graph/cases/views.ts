import { randomUUID } from 'node:crypto';
import type { Driver } from 'neo4j-driver';
import { nodeRow, rowToNode, type NodeRow } from '../queries/nodes.ts';
import { displayNameOf } from '../users/users.ts';

/**
 * Saved views of a case's graph: what an investigator drew and wants to keep — the nodes on the
 * canvas (the ring and whatever was expanded or pathed into it), the ones highlighted, the types
 * switched off — with a name and a note, as (:Case)-[:HAS_VIEW]->(:CaseView). Nodes are kept twice:
 * by graph id (the workbench puts the view back on its canvas) and by natural key ("person:<ID
 * number>", resolved here when the view is saved), which the export package reads: graph ids do not
 * survive a reload of the graph, natural keys do.
 */

export interface CaseViewRecord {
  viewId: string;
  caseId: string;
  name: string;
  note: string;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  nodeIds: string[];
  highlightedIds: string[];
  hiddenTypes: string[];
  /** "type:key" of each node, where the node is a person, card, doctor or institution (claims and rings are left out) */
  entities: string[];
  highlightedEntities: string[];
}

export class CaseViewError extends Error {
  constructor(
    readonly kind: 'case-not-found' | 'node-not-found',
    message: string,
  ) {
    super(message);
    this.name = 'CaseViewError';
  }
}

const ENTITY = new Set(['person', 'card', 'doctor', 'institution']);

const FIELDS = `v.viewId AS viewId, c.caseId AS caseId, v.name AS name, v.note AS note, v.createdBy AS createdBy, ${displayNameOf('v.createdBy')} AS createdByName, toString(v.createdAt) AS createdAt,
  v.nodeIds AS nodeIds, v.highlightedIds AS highlightedIds, v.hiddenTypes AS hiddenTypes, v.entities AS entities, v.highlightedEntities AS highlightedEntities`;

export async function saveCaseView(
  driver: Driver,
  caseId: string,
  input: { name: string; note: string; nodeIds: string[]; highlightedIds: string[]; hiddenTypes: string[]; actor: string },
): Promise<CaseViewRecord> {
  const session = driver.session();
  try {
    return await session.executeWrite(async (tx) => {
      const c = await tx.run('MATCH (c:Case {caseId: $caseId}) RETURN c.caseId AS id', { caseId });
      if (!c.records[0]) throw new CaseViewError('case-not-found', `no case ${caseId}`);
      const ids = [...new Set([...input.nodeIds, ...input.highlightedIds])];
      const rows = await tx.run(`UNWIND $ids AS id MATCH (x) WHERE elementId(x) = id RETURN ${nodeRow('x')} AS row`, { ids });
      const nodes = new Map(rows.records.map((r) => rowToNode(r.get('row') as NodeRow)).map((n) => [n.id, n]));
      const missing = ids.filter((id) => !nodes.has(id));
      if (missing.length) throw new CaseViewError('node-not-found', `no node ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
      const ref = (id: string) => {
        const n = nodes.get(id)!;
        return ENTITY.has(n.type) ? `${n.type}:${n.key}` : null;
      };
      const entities = input.nodeIds.map(ref).filter((x): x is string => x !== null);
      const highlightedEntities = input.highlightedIds.map(ref).filter((x): x is string => x !== null);
      const res = await tx.run(
        `MATCH (c:Case {caseId: $caseId})
         CREATE (c)-[:HAS_VIEW]->(v:CaseView {viewId: $viewId, name: $name, note: $note, createdBy: $actor, createdAt: datetime(),
           nodeIds: $nodeIds, highlightedIds: $highlightedIds, hiddenTypes: $hiddenTypes, entities: $entities, highlightedEntities: $highlightedEntities})
         RETURN ${FIELDS}`,
        { caseId, viewId: randomUUID(), name: input.name, note: input.note, actor: input.actor, nodeIds: input.nodeIds, highlightedIds: input.highlightedIds, hiddenTypes: input.hiddenTypes, entities, highlightedEntities },
      );
      return res.records[0]!.toObject() as CaseViewRecord;
    });
  } finally {
    await session.close();
  }
}

/** A case's saved views, oldest first. */
export async function listCaseViews(driver: Driver, caseId: string): Promise<CaseViewRecord[]> {
  const { records } = await driver.executeQuery(`MATCH (c:Case {caseId: $caseId})-[:HAS_VIEW]->(v:CaseView) RETURN ${FIELDS} ORDER BY v.createdAt, v.viewId`, { caseId }, { routing: 'READ' });
  return records.map((r) => r.toObject() as CaseViewRecord);
}
