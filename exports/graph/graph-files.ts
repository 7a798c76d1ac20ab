import { stringify } from 'csv-stringify/sync';
import { ENTITY, GENDER, kindWord, LINK, ROLE, say, type Lang } from '../labels.ts';
import type { ModelEntity, PackageModel } from '../package-model.ts';
import type { Positions } from './layout.ts';

/**
 * The ring's network in the formats investigators' tools open: GraphML (yEd, Gephi, NetworkX), GEXF
 * 1.3 with positions and colours (Gephi), and an entity/link CSV pair laid out for i2 Analyst's
 * Notebook's tabular import (settings in docs/export-package.md). Nodes are the entities of the
 * package under their package references; links are aggregated from the evidence claims.
 */

const xml = (v: unknown) =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters even escaped
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

export const COLOURS: Record<ModelEntity['type'], { r: number; g: number; b: number; hex: string }> = {
  person: { r: 47, g: 111, b: 186, hex: '#2F6FBA' },
  card: { r: 230, g: 145, b: 56, hex: '#E69138' },
  doctor: { r: 56, g: 142, b: 60, hex: '#388E3C' },
  institution: { r: 142, g: 36, b: 170, hex: '#8E24AA' },
};

export function entityLabel(e: ModelEntity, lang: Lang): string {
  if (e.type === 'card') return `${say(ENTITY, 'card', lang)} ${e.key}`;
  return e.name ?? e.key;
}

const NODE_ATTRS: { id: string; name: string; type: 'string' | 'boolean'; get: (e: ModelEntity, lang: Lang) => unknown }[] = [
  { id: 'label', name: 'label', type: 'string', get: (e, lang) => entityLabel(e, lang) },
  { id: 'entityType', name: 'entityType', type: 'string', get: (e) => e.type },
  { id: 'key', name: 'key', type: 'string', get: (e) => e.key },
  { id: 'name', name: 'name', type: 'string', get: (e) => e.name ?? '' },
  { id: 'member', name: 'member', type: 'boolean', get: (e) => e.member },
  { id: 'role', name: 'role', type: 'string', get: (e) => e.role ?? '' },
  { id: 'roleLabel', name: 'roleLabel', type: 'string', get: (e, lang) => say(ROLE, e.role, lang) },
  { id: 'roleBasis', name: 'roleBasis', type: 'string', get: (e, lang) => e.roleBasis?.[lang] ?? '' },
  { id: 'kind', name: 'kind', type: 'string', get: (e) => e.kind ?? '' },
  { id: 'kindLabel', name: 'kindLabel', type: 'string', get: (e, lang) => kindWord(e.type, e.kind, lang) },
  { id: 'region', name: 'region', type: 'string', get: (e) => e.region ?? '' },
];

const EDGE_ATTRS: { id: string; type: 'string' | 'int' | 'double'; get: (l: PackageModel['links'][number], lang: Lang) => unknown }[] = [
  { id: 'linkType', type: 'string', get: (l) => l.type },
  { id: 'label', type: 'string', get: (l, lang) => say(LINK, l.type, lang) },
  { id: 'claims', type: 'int', get: (l) => l.claims },
  { id: 'total', type: 'double', get: (l) => l.total },
  { id: 'fundPaid', type: 'double', get: (l) => l.fundPaid },
  { id: 'first', type: 'string', get: (l) => l.first ?? '' },
  { id: 'last', type: 'string', get: (l) => l.last ?? '' },
];

export function toGraphML(m: PackageModel, lang: Lang): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  for (const a of NODE_ATTRS) out.push(`  <key id="n_${a.id}" for="node" attr.name="${a.name}" attr.type="${a.type}"/>`);
  for (const a of EDGE_ATTRS) out.push(`  <key id="e_${a.id}" for="edge" attr.name="${a.id}" attr.type="${a.type}"/>`);
  out.push(`  <graph id="${xml(m.caseNumber)}" edgedefault="directed">`);
  for (const e of m.entities) {
    out.push(`    <node id="${xml(e.ref)}">`);
    for (const a of NODE_ATTRS) out.push(`      <data key="n_${a.id}">${xml(a.get(e, lang))}</data>`);
    out.push('    </node>');
  }
  for (const l of m.links) {
    out.push(`    <edge id="${xml(l.id)}" source="${xml(l.source)}" target="${xml(l.target)}">`);
    for (const a of EDGE_ATTRS) out.push(`      <data key="e_${a.id}">${xml(a.get(l, lang))}</data>`);
    out.push('    </edge>');
  }
  out.push('  </graph>', '</graphml>', '');
  return out.join('\n');
}

export function toGEXF(m: PackageModel, positions: Positions, lang: Lang): string {
  const gexfType = (t: string) => (t === 'boolean' ? 'boolean' : t === 'int' ? 'integer' : t === 'double' ? 'double' : 'string');
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">',
    `  <meta lastmodifieddate="${m.exportedAt.slice(0, 10)}">`,
    '    <creator>RingLens</creator>',
    `    <description>${xml(`${m.caseNumber} ring ${m.bundle.ring.ringId}`)}</description>`,
    '  </meta>',
    '  <graph defaultedgetype="directed" mode="static">',
    '    <attributes class="node">',
  ];
  const nodeAttrs = NODE_ATTRS.filter((a) => a.id !== 'label');
  nodeAttrs.forEach((a, i) => out.push(`      <attribute id="${i}" title="${a.name}" type="${gexfType(a.type)}"/>`));
  out.push('    </attributes>', '    <attributes class="edge">');
  const edgeAttrs = EDGE_ATTRS.filter((a) => a.id !== 'label');
  edgeAttrs.forEach((a, i) => out.push(`      <attribute id="${i}" title="${a.id}" type="${gexfType(a.type)}"/>`));
  out.push('    </attributes>', '    <nodes>');
  for (const e of m.entities) {
    const c = COLOURS[e.type];
    const p = positions.get(e.ref) ?? { x: 0, y: 0 };
    out.push(`      <node id="${xml(e.ref)}" label="${xml(entityLabel(e, lang))}">`, '        <attvalues>');
    nodeAttrs.forEach((a, i) => out.push(`          <attvalue for="${i}" value="${xml(a.get(e, lang))}"/>`));
    out.push(
      '        </attvalues>',
      `        <viz:color r="${c.r}" g="${c.g}" b="${c.b}"/>`,
      `        <viz:position x="${p.x.toFixed(2)}" y="${p.y.toFixed(2)}" z="0.0"/>`,
      `        <viz:size value="${e.member ? 10 : 5}"/>`,
      '      </node>',
    );
  }
  out.push('    </nodes>', '    <edges>');
  for (const l of m.links) {
    out.push(`      <edge id="${xml(l.id)}" source="${xml(l.source)}" target="${xml(l.target)}" label="${xml(say(LINK, l.type, lang))}" weight="${Math.max(l.claims, 1)}">`, '        <attvalues>');
    edgeAttrs.forEach((a, i) => out.push(`          <attvalue for="${i}" value="${xml(a.get(l, lang))}"/>`));
    out.push('        </attvalues>', '      </edge>');
  }
  out.push('    </edges>', '  </graph>', '</gexf>', '');
  return out.join('\n');
}

/** i2 entity types: names ANB's standard icon set matches on import (Person, Card, Doctor, Hospital). */
export const I2_ENTITY_TYPE: Record<ModelEntity['type'], string> = { person: 'Person', card: 'Card', doctor: 'Doctor', institution: 'Organisation' };

export const I2_ENTITY_COLUMNS = ['EntityID', 'EntityType', 'Label', 'IdentityKey', 'Name', 'RingMember', 'Role', 'RoleBasis', 'Gender', 'BirthDate', 'Region', 'Kind', 'Institution', 'Address'];
export const I2_LINK_COLUMNS = ['LinkID', 'FromEntityID', 'FromEntityType', 'ToEntityID', 'ToEntityType', 'LinkType', 'Label', 'ClaimCount', 'TotalAmount', 'FundPaid', 'FirstDate', 'LastDate', 'Direction'];

/**
 * UTF-8 with a byte-order mark: ANB and Excel then read the Chinese names without an encoding
 * prompt. Dates as YYYY-MM-DD, amounts with a dot and two decimals.
 */
export function toI2Csv(m: PackageModel, lang: Lang): { entities: string; links: string } {
  const byRef = new Map(m.entities.map((e) => [e.ref, e]));
  const entities = stringify(
    m.entities.map((e) => [
      e.ref,
      I2_ENTITY_TYPE[e.type],
      entityLabel(e, lang),
      e.key,
      e.name ?? '',
      e.member ? 'Y' : 'N',
      say(ROLE, e.role, lang),
      e.roleBasis?.[lang] ?? '',
      say(GENDER, e.gender, lang),
      e.birthDate ?? '',
      e.region ?? '',
      kindWord(e.type, e.kind, lang),
      e.institutionCode ?? '',
      e.address ?? '',
    ]),
    { header: true, columns: I2_ENTITY_COLUMNS, bom: true, record_delimiter: '\r\n' },
  );
  const links = stringify(
    m.links.map((l) => [
      l.id,
      l.source,
      I2_ENTITY_TYPE[byRef.get(l.source)!.type],
      l.target,
      I2_ENTITY_TYPE[byRef.get(l.target)!.type],
      l.type,
      l.claims ? `${say(LINK, l.type, lang)} ×${l.claims}` : say(LINK, l.type, lang),
      l.claims,
      l.total.toFixed(2),
      l.fundPaid.toFixed(2),
      l.first?.slice(0, 10) ?? '',
      l.last?.slice(0, 10) ?? '',
      'FromTo',
    ]),
    { header: true, columns: I2_LINK_COLUMNS, bom: true, record_delimiter: '\r\n' },
  );
  return { entities, links };
}
