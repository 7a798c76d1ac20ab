import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Env } from '../config/env.ts';
import type { CaseBundle } from './case-bundle.ts';
import { caseJsonSchemaDocument, toCaseJson } from './case-json.ts';
import { I2_ENTITY_COLUMNS, I2_LINK_COLUMNS, toGEXF, toGraphML, toI2Csv } from './graph/graph-files.ts';
import { layoutNetwork } from './graph/layout.ts';
import type { Lang } from './labels.ts';
import { decideMasking, type ExporterRole, type MaskingDecision } from './masking.ts';
import { buildPackageModel } from './package-model.ts';
import { loadOrCreateSigningKey } from './package/keys.ts';
import { MANIFEST_FILE, manifestBytes, sha256, signManifest, type Manifest } from './package/manifest.ts';
import { writeZip } from './package/zip.ts';
import { buildReportPdf } from './pdf/report.ts';
import { buildWorkbook } from './workbook.ts';

/**
 * Builds a signed export package from a loaded case bundle: masking decided from the case status and
 * the exporter's role, then the report, the workbook, the graph files and case.json, each hashed into
 * the signed manifest, all in one ZIP. Pure with respect to Neo4j: the bundle is all it reads.
 */

export interface ExportOptions {
  exporter: { user: string; role: ExporterRole };
  lang: Lang;
  bureau: string;
  keyDir: string;
  exportId?: string;
  now?: Date;
  onProgress?: (p: ExportProgress) => void;
}

export interface ExportProgress {
  stage: 'load' | 'report' | 'workbook' | 'graph' | 'sign' | 'done';
  percent: number;
  message: string;
}

export interface BuiltPackage {
  zip: Buffer;
  manifest: Manifest;
  masking: MaskingDecision;
  timings: Record<string, number>;
}

export const keyDirFor = (env: Env) => env.RINGLENS_EXPORT_KEY_DIR ?? path.join(env.RINGLENS_CACHE_DIR, 'keys');
export const exportDirFor = (env: Env) => env.RINGLENS_EXPORT_DIR ?? path.join(env.RINGLENS_CACHE_DIR, 'exports');

const DESCRIPTIONS: Record<string, string> = {
  'case-report.pdf': 'case report (PDF, embedded CJK font)',
  'evidence.xlsx': 'evidence workbook: members, claims, item lines, evidence, links',
  'case.json': 'everything machine-readable (schema: case.schema.json)',
  'case.schema.json': 'JSON Schema of case.json',
  'graph/network.graphml': 'network as GraphML (yEd, Gephi, NetworkX)',
  'graph/network.gexf': 'network as GEXF 1.3 with layout and colours (Gephi)',
  'graph/i2-entities.csv': "entities for i2 Analyst's Notebook import (UTF-8 with BOM)",
  'graph/i2-links.csv': "links for i2 Analyst's Notebook import (UTF-8 with BOM)",
  'graph/I2-IMPORT.txt': "i2 Analyst's Notebook import settings",
  'README.txt': 'what the package holds and how to verify it',
  'graph/views.json': 'saved, annotated views of the case graph: name, note, author, the entities shown and highlighted (package references)',
};

const HIDDEN_LABEL: Record<string, [string, string]> = {
  person: ['参保人', 'insured persons'],
  card: ['医保卡', 'cards'],
  doctor: ['医生', 'doctors'],
  institution: ['机构', 'institutions'],
  claim: ['结算', 'claims'],
  ring: ['团伙', 'rings'],
  'trace-code': ['追溯码', 'trace codes'],
  outsider: ['非成员', 'non-members'],
};

/**
 * The case's saved views for the package: entities by the package's own reference numbers (P0001 …,
 * the ones the report, workbook and graph files use) — no keys, so the masking decided for the package
 * holds here too; entities the package does not hold (neighbours expanded on screen) are counted by type.
 */
export function viewsJson(bundle: CaseBundle, refs: string[], lang: Lang) {
  const refOf = new Map(bundle.entities.map((e, i) => [`${e.type}:${e.key}`, refs[i]!]));
  return {
    format: 'ringlens/case-views',
    formatVersion: 1,
    views: (bundle.views ?? []).map((v) => {
      const lit = new Set(v.highlightedEntities);
      const outside: Record<string, number> = {};
      const entities: { ref: string; type: string; highlighted: boolean }[] = [];
      for (const e of v.entities) {
        const ref = refOf.get(e);
        const type = e.slice(0, e.indexOf(':'));
        if (ref) entities.push({ ref, type, highlighted: lit.has(e) });
        else outside[type] = (outside[type] ?? 0) + 1;
      }
      return {
        name: v.name,
        note: v.note,
        createdBy: v.createdBy,
        createdByName: v.createdByName,
        createdAt: v.createdAt,
        hidden: v.hiddenTypes.map((h) => (h.startsWith('rel-') ? h.slice(4) : (HIDDEN_LABEL[h]?.[lang === 'zh' ? 0 : 1] ?? h))),
        entities,
        entitiesNotInPackage: outside,
      };
    }),
  };
}

export async function buildCasePackage(bundle: CaseBundle, opts: ExportOptions): Promise<BuiltPackage> {
  const timings: Record<string, number> = {};
  const now = opts.now ?? new Date();
  const progress = opts.onProgress ?? (() => {});
  let t = performance.now();
  const lap = (name: string) => {
    const n = performance.now();
    timings[name] = Math.round(n - t);
    t = n;
  };

  const masking = decideMasking(bundle.case?.status ?? null, opts.exporter.role);
  const model = buildPackageModel(bundle, masking, { exportedAt: now.toISOString(), exportedBy: opts.exporter, bureau: opts.bureau });
  const key = loadOrCreateSigningKey(opts.keyDir);
  const positions = layoutNetwork({ nodes: model.entities.map((e) => e.ref), edges: model.links.map((l) => ({ source: l.source, target: l.target, weight: Math.max(l.claims, 1) })) });
  lap('model');

  progress({ stage: 'report', percent: 20, message: `case report (${model.claims.length} claims, ${model.entities.length} entities)` });
  const pdf = await buildReportPdf({ model, positions, lang: opts.lang, keyFingerprint: key.fingerprint });
  lap('report');
  progress({ stage: 'workbook', percent: 55, message: 'evidence workbook' });
  const xlsx = await buildWorkbook(model, opts.lang);
  lap('workbook');
  progress({ stage: 'graph', percent: 75, message: 'graph files and case.json' });
  const i2 = toI2Csv(model, opts.lang);
  const files: { path: string; data: Buffer }[] = [
    { path: 'case-report.pdf', data: pdf },
    { path: 'evidence.xlsx', data: xlsx },
    { path: 'case.json', data: Buffer.from(`${JSON.stringify(toCaseJson(model), null, 2)}\n`) },
    { path: 'case.schema.json', data: Buffer.from(`${JSON.stringify(caseJsonSchemaDocument(), null, 2)}\n`) },
    { path: 'graph/network.graphml', data: Buffer.from(toGraphML(model, opts.lang)) },
    { path: 'graph/network.gexf', data: Buffer.from(toGEXF(model, positions, opts.lang)) },
    { path: 'graph/i2-entities.csv', data: Buffer.from(i2.entities) },
    { path: 'graph/i2-links.csv', data: Buffer.from(i2.links) },
    { path: 'graph/I2-IMPORT.txt', data: Buffer.from(I2_IMPORT_TEXT) },
    { path: 'README.txt', data: Buffer.from(readme(model.caseNumber, key.fingerprint)) },
  ];
  if (bundle.views?.length) files.push({ path: 'graph/views.json', data: Buffer.from(`${JSON.stringify(viewsJson(bundle, model.entities.map((e) => e.ref), opts.lang), null, 2)}\n`) });
  lap('graph');

  progress({ stage: 'sign', percent: 90, message: 'manifest, signature, ZIP' });
  const manifest = signManifest(
    {
      format: 'ringlens/case-package',
      formatVersion: 1,
      exportId: opts.exportId ?? randomUUID(),
      caseNumber: model.caseNumber,
      ringId: bundle.ring.ringId,
      caseStatus: bundle.case?.status ?? null,
      bureau: opts.bureau,
      language: opts.lang,
      exportedAt: model.exportedAt,
      exportedBy: opts.exporter,
      masking,
      files: files.map((f) => ({ path: f.path, bytes: f.data.length, sha256: sha256(f.data), description: DESCRIPTIONS[f.path] ?? '' })),
    },
    key,
  );
  const zip = await writeZip([...files, { path: MANIFEST_FILE, data: manifestBytes(manifest) }], now);
  lap('sign');
  progress({ stage: 'done', percent: 100, message: `${zip.length} bytes` });
  return { zip, manifest, masking, timings };
}

const I2_IMPORT_TEXT = `Importing into i2 Analyst's Notebook (ANB 9 and later: Import > Import Data)

1. Import graph/i2-entities.csv with a new import specification:
   - File: comma-delimited, text qualifier ", first row holds column headings, encoding UTF-8
     (the file starts with a byte-order mark, so Chinese names are read correctly).
   - Design: choose "Entities Only" (the "Entity" specification type).
   - Entity identity: column EntityID. Entity type: from column EntityType
     (Person, Card, Doctor, Organisation); label: column Label.
   - Attributes: map IdentityKey, Name, RingMember, Role, Gender, BirthDate (date, yyyy-MM-dd),
     Region, Kind, Institution, Address as text attributes.
2. Import graph/i2-links.csv with a second specification:
   - Same file settings; design "Entity - Link - Entity" where both ends already exist:
     end 1 identity FromEntityID (type from FromEntityType), end 2 identity ToEntityID
     (type from ToEntityType).
   - Link type: column LinkType; label: column Label; direction: column Direction (FromTo).
   - Attributes: ClaimCount (number), TotalAmount and FundPaid (number, 2 decimals),
     FirstDate and LastDate (date, yyyy-MM-dd).
3. Arrange with Layout > Group or Circular; entities keep the package references (P0001, K0001,
   D0001, H0001) used in the report, the workbook and case.json.
Columns of i2-entities.csv: ${I2_ENTITY_COLUMNS.join(', ')}
Columns of i2-links.csv: ${I2_LINK_COLUMNS.join(', ')}
`;

const readme = (caseNumber: string, fingerprint: string) => `RingLens case export package ${caseNumber}

case-report.pdf          case report (cover, summary, network, evidence, timeline, members, claims appendix)
evidence.xlsx            evidence workbook (members, claims, item lines, evidence, links)
case.json                all data, machine-readable; schema in case.schema.json (versioned)
graph/network.graphml    network for yEd / Gephi / NetworkX
graph/network.gexf       network for Gephi (with layout and colours)
graph/i2-entities.csv    i2 Analyst's Notebook import, entities (see graph/I2-IMPORT.txt)
graph/i2-links.csv       i2 Analyst's Notebook import, links
graph/views.json         saved, annotated views of the case graph (when the case has any)
manifest.json            SHA-256 of every file, exporter, time, masking, Ed25519 signature

Verify before use:  ringlens verify-export <package.zip> --public-key <bureau public key .pem>
Signing key fingerprint (SHA-256 of the public key): ${fingerprint}
Entities are referred to by package references (P = person, K = card, D = doctor, H = institution).
`;
