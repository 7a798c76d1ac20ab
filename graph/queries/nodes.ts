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
/** Labels of the nodes exploration may start from or show; users, audit events, cases, items and bookkeeping are none of them. */
export const EXPLORABLE_LABELS = Object.values(LABEL_OF);
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

/**
 * The display facts of each node type: the key in RawNode.facts and the property it comes from (a
 * Cypher expression on node `x`). Types not listed have none.
 */
const FACTS: Partial<Record<NodeType, [key: string, expr: (x: string) => string][]>> = {
  person: [['gender', (x) => `${x}.gender`], ['region', (x) => `${x}.region`]],
  card: [['type', (x) => `${x}.type`]],
  doctor: [['institutionCode', (x) => `${x}.institutionCode`], ['department', (x) => `${x}.department`]],
  institution: [['kind', (x) => `${x}.kind`], ['level', (x) => `${x}.level`], ['region', (x) => `${x}.region`]],
  claim: [['kind', (x) => `${x}.kind`], ['settledAt', (x) => `toString(${x}.settledAt)`], ['total', (x) => `${x}.total`], ['fundPaid', (x) => `${x}.fundPaid`]],
  ring: [['family', (x) => `${x}.family`], ['score', (x) => `${x}.score`], ['status', (x) => `${x}.status`]],
};
const TYPES = Object.keys(LABEL_OF) as NodeType[];

/** CASE over node `x`'s type (tested in LABEL_OF's order), one branch per type with facts. */
const factsCase = (x: string, branch: (fields: [key: string, expr: string][]) => string) =>
  `CASE ${TYPES.filter((t) => FACTS[t])
    .map((t) => `WHEN ${x}:${LABEL_OF[t]} THEN ${branch(FACTS[t]!.map(([key, expr]) => [key, expr(x)]))}`)
    .join(' ')} ELSE ${branch([])} END`;

/**
 * The Cypher expressions that read node `x` as the fields of a RawNode. Kept free of indentation: they
 * are sent with every query, and a query text that fits one Bolt write (the driver's 1,400-byte
 * buffer) costs one socket write and one wake-up of the server instead of two.
 */
const nodeFields = (x: string) => ({
  id: `elementId(${x})`,
  type: `CASE ${TYPES.map((t) => `WHEN ${x}:${LABEL_OF[t]} THEN '${t}'`).join(' ')} ELSE 'other' END`,
  key: `toString(CASE WHEN ${x}:Person THEN ${x}.idNumber WHEN ${x}:Card THEN ${x}.cardNo WHEN ${x}:Claim THEN ${x}.claimId ` +
    `WHEN ${x}:Ring THEN ${x}.ringId ELSE coalesce(${x}.code, elementId(${x})) END)`,
  name: `${x}.name`,
  facts: factsCase(x, (fields) => `{${fields.map(([key, expr]) => `${key}: ${expr}`).join(', ')}}`),
});

/** Cypher map expression reading node `x` as a RawNode. */
export const nodeView = (x: string, extra = '') => {
  const f = nodeFields(x);
  return `{${extra ? `${extra}, ` : ''}id: ${f.id}, type: ${f.type}, key: ${f.key}, name: ${f.name}, facts: ${f.facts}}`;
};

/**
 * The same node as a list [id, labels, key, name, fact values], for queries that return hundreds of
 * nodes per request. Decoding was the largest single cost of a neighbourhood expansion in the API
 * process, and maps the most expensive part of it: the driver builds each one with
 * Object.defineProperty, which costs ten times a list and leaves a slow dictionary-mode object for
 * everything after (masking, validation, JSON). rowToNode works out the type from the labels and
 * names the fact values, which also keeps the query text short enough for one Bolt write.
 */
export const nodeRow = (x: string) => {
  const f = nodeFields(x);
  return `[${f.id}, labels(${x}), ${f.key}, ${f.name}, ${factsCase(x, (fields) => `[${fields.map(([, expr]) => expr).join(', ')}]`)}]`;
};

export type NodeRow = [id: string, labels: string[], key: string, name: string | null, facts: (string | number | null)[]];

/** The first of a node's labels that names a node type, in the order the Cypher CASEs test them. */
const typeOfLabels = (labels: string[]): NodeType => TYPES.find((t) => labels.includes(LABEL_OF[t])) ?? ('other' as NodeType);

export const rowToNode = ([id, labels, key, name, values]: NodeRow): RawNode => {
  const type = typeOfLabels(labels);
  const facts: RawNode['facts'] = {};
  const keys = FACTS[type] ?? [];
  for (let i = 0; i < keys.length; i++) facts[keys[i]![0]] = values[i] ?? null;
  return { id, type, key, name, facts };
};

/** Relationship types investigators walk: everything but item lines and regions, which connect everything. */
export const WALKABLE = ['HOLDS', 'CHARGED_TO', 'FOR', 'AT', 'BY', 'PRESCRIBED_BY', 'WORKS_AT', 'DISPENSED', 'HAS_MEMBER'] as const;
