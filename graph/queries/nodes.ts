/**
 * One way to read any node of the investigation graph for display: its elementId (the id graph
 * payloads use), its type, natural key, name and a few facts. The API masks what is personal.
 */
export type NodeType = 'person' | 'card' | 'doctor' | 'institution' | 'claim' | 'ring' | 'trace-code';

export const LABEL_OF: Record<NodeType, string> = {
  person: 'Person',
  card: 'Card',
  doctor: 'Doctor',
  institution: 'Institution',
  claim: 'Claim',
  ring: 'Ring',
  'trace-code': 'TraceCode',
};
export const KEY_OF: Record<NodeType, string> = {
  person: 'idNumber',
  card: 'cardNo',
  doctor: 'code',
  institution: 'code',
  claim: 'claimId',
  ring: 'ringId',
  'trace-code': 'code',
};

export interface RawNode {
  id: string;
  type: NodeType;
  key: string;
  name: string | null;
  /** a few display facts: institution kind, claim amount and date, ring family and score */
  facts: Record<string, string | number | null>;
}

/** The Cypher expressions that read node `x` as the fields of a RawNode. */
const nodeFields = (x: string) => ({
  id: `elementId(${x})`,
  type: `CASE WHEN ${x}:Person THEN 'person' WHEN ${x}:Card THEN 'card' WHEN ${x}:Doctor THEN 'doctor' WHEN ${x}:Institution THEN 'institution'
             WHEN ${x}:Claim THEN 'claim' WHEN ${x}:Ring THEN 'ring' WHEN ${x}:TraceCode THEN 'trace-code' ELSE 'other' END`,
  key: `toString(CASE WHEN ${x}:Person THEN ${x}.idNumber WHEN ${x}:Card THEN ${x}.cardNo WHEN ${x}:Claim THEN ${x}.claimId
                      WHEN ${x}:Ring THEN ${x}.ringId ELSE coalesce(${x}.code, elementId(${x})) END)`,
  name: `${x}.name`,
  facts: `CASE
    WHEN ${x}:Institution THEN {kind: ${x}.kind, level: ${x}.level, region: ${x}.region}
    WHEN ${x}:Claim THEN {kind: ${x}.kind, settledAt: toString(${x}.settledAt), total: ${x}.total, fundPaid: ${x}.fundPaid}
    WHEN ${x}:Ring THEN {family: ${x}.family, score: ${x}.score, status: ${x}.status}
    WHEN ${x}:Doctor THEN {institutionCode: ${x}.institutionCode, department: ${x}.department}
    WHEN ${x}:Person THEN {gender: ${x}.gender, region: ${x}.region}
    WHEN ${x}:Card THEN {type: ${x}.type}
    ELSE {} END`,
});

/** Cypher map expression reading node `x` as a RawNode. */
export const nodeView = (x: string, extra = '') => {
  const f = nodeFields(x);
  return `{${extra ? `${extra},` : ''}
  id: ${f.id},
  type: ${f.type},
  key: ${f.key},
  name: ${f.name},
  facts: ${f.facts}
}`;
};

/**
 * The same node as a list [id, type, key, name, facts], for queries that return hundreds of nodes per
 * request: the driver decodes a list without a key string per field, and decoding was the largest
 * single cost of a neighbourhood expansion in the API process. `rowToNode` makes it a RawNode again.
 */
export const nodeRow = (x: string) => {
  const f = nodeFields(x);
  return `[${f.id}, ${f.type}, ${f.key}, ${f.name}, ${f.facts}]`;
};

export type NodeRow = [string, NodeType, string, string | null, RawNode['facts']];
export const rowToNode = ([id, type, key, name, facts]: NodeRow): RawNode => ({ id, type, key, name, facts });

/** Relationship types investigators walk: everything but item lines and regions, which connect everything. */
export const WALKABLE = ['HOLDS', 'CHARGED_TO', 'FOR', 'AT', 'BY', 'PRESCRIBED_BY', 'WORKS_AT', 'DISPENSED', 'HAS_MEMBER'] as const;
