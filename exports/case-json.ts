import { z } from 'zod';
import { CASE_STATUSES } from '../cases/workflow.ts';
import type { PackageModel } from './package-model.ts';

/**
 * case.json: everything in the package, machine-readable. The zod schema below is the definition;
 * the package also carries it as JSON Schema (case.schema.json) so the recipient can validate
 * without our code. Bump CASE_JSON_VERSION on any change that is not a pure addition of an
 * optional field, and describe it in docs/export-package.md.
 */
export const CASE_JSON_VERSION = 1;

const str = z.string();
const nstr = z.string().nullable();
const nnum = z.number().nullable();

const EntitySchema = z.object({
  ref: str.describe('package-local reference, shared by every file: P=person, K=card, D=doctor, H=institution'),
  type: z.enum(['person', 'card', 'doctor', 'institution']),
  key: str.describe('natural key: ID number, card number, doctor code, institution code (masked per manifest.masking)'),
  member: z.boolean(),
  role: nstr.describe("role in the ring; 'member' where no settlement in evidence earned a role"),
  roleBasis: z.object({ zh: str, en: str }).nullable().describe('the numbers of the settlements in evidence that earned the role'),
  name: nstr,
  gender: nstr,
  birthDate: nstr,
  region: nstr,
  address: nstr,
  holderIdNumber: nstr,
  institutionCode: nstr,
  kind: nstr,
  level: nstr,
  department: nstr,
  title: nstr,
});

const ClaimSchema = z.object({
  claimId: str,
  settledAt: str.describe('ISO 8601 with offset (+08:00)'),
  kind: str,
  department: nstr,
  region: nstr,
  diagnosisCode: nstr,
  diagnosisName: nstr,
  admissionDate: nstr,
  dischargeDate: nstr,
  prescriptionId: nstr,
  identityCheck: nstr,
  total: z.number(),
  fundPaid: z.number(),
  selfPaid: z.number(),
  cardNo: nstr,
  holderIdNumber: nstr,
  institutionCode: nstr,
  doctorCode: nstr,
  prescriberCode: nstr,
  recipientIdNumber: nstr,
  cardRef: nstr,
  holderRef: nstr,
  recipientRef: nstr,
  institutionRef: nstr,
  doctorRef: nstr,
  prescriberRef: nstr,
  institutionName: nstr,
  doctorName: nstr,
});

const LineSchema = z.object({
  claimId: str,
  lineNo: z.number().int(),
  itemCode: str,
  itemName: nstr,
  category: nstr,
  quantity: nnum,
  unitPrice: nnum,
  amount: nnum,
  traceCode: nstr,
});

const LinkSchema = z.object({
  id: str,
  type: z.enum(['holds', 'used', 'settled-at', 'visited', 'treated', 'prescribed-to', 'works-at']),
  source: str,
  target: str,
  claims: z.number().int(),
  total: z.number(),
  fundPaid: z.number(),
  first: nstr,
  last: nstr,
});

const EvidenceSchema = z.object({
  key: str,
  zh: str,
  en: str,
  facts: z.record(z.string(), z.union([z.number(), z.string()])),
  entities: z.array(str).describe('entity references (package refs where the package carries the entity)'),
  weight: z.number(),
});

export const CaseJsonSchema = z.object({
  schema: z.literal('ringlens/case-package/case.json'),
  schemaVersion: z.literal(CASE_JSON_VERSION),
  caseNumber: str,
  case: z
    .object({
      caseId: str,
      title: str,
      status: z.enum(CASE_STATUSES),
      assignee: nstr,
      assigneeName: nstr.describe("the assignee's display name"),
      createdBy: nstr,
      createdByName: nstr.describe("the creator's display name"),
      createdAt: nstr,
      updatedAt: nstr,
      verdict: nstr,
      verdictLabels: z.array(str),
      history: z.array(z.object({ at: str, actor: str, actorName: nstr.describe("the actor's display name"), kind: str, from: nstr, to: nstr, toName: nstr.describe("an assignment's new assignee by display name"), note: nstr })),
    })
    .nullable()
    .describe('null when a ring was exported without a case'),
  bureau: str,
  exportedAt: str,
  exportedBy: z.object({ user: str, role: str }),
  masking: z.object({ level: z.enum(['full', 'masked']), reason: str, caseStatus: nstr, exporterRole: str, maskedFields: z.array(str) }),
  ring: z.object({
    ringId: str,
    family: str,
    types: z.array(str),
    score: z.number(),
    status: str,
    region: nstr,
    regionName: nstr,
    periodStart: nstr,
    periodEnd: nstr,
    claimCount: z.number().int(),
    totalAmount: z.number(),
    fundPaid: z.number(),
    memberCount: z.number().int(),
    keyPersons: z.array(z.object({ id: str, ref: nstr, name: str, centrality: z.number(), basis: z.object({ zh: str, en: str }).optional() })),
    evidence: z.array(EvidenceSchema),
    firstRunId: nstr,
    lastRunId: nstr,
    createdAt: nstr,
    updatedAt: nstr,
    detections: z.array(z.object({ runId: str, at: str, change: str, memberCount: nnum, fundPaid: nnum })),
  }),
  entities: z.array(EntitySchema),
  claims: z.array(ClaimSchema),
  lines: z.array(LineSchema),
  links: z.array(LinkSchema),
  ratings: z
    .array(
      z.object({
        code: str,
        name: nstr,
        asOf: str.describe('the moment the rating is taken at: the referral, else the export'),
        asOfKind: z.enum(['referral', 'export']),
        rating: z
          .object({
            period: str,
            modelId: str,
            score: nnum.describe('0–1000, null when too little was evaluated'),
            band: nstr,
            coverage: z.number(),
            computedAt: str,
            lowest: z.array(z.object({ indicator: str, points: z.number(), maxPoints: z.number() })),
          })
          .nullable()
          .describe('null: not rated by then'),
      }),
    )
    .describe("credit rating (医保信用评价) of the ring's institutions at referral time"),
});
export type CaseJson = z.infer<typeof CaseJsonSchema>;

export function toCaseJson(m: PackageModel): CaseJson {
  const r = m.bundle.ring;
  return {
    schema: 'ringlens/case-package/case.json',
    schemaVersion: CASE_JSON_VERSION,
    caseNumber: m.caseNumber,
    case: m.bundle.case,
    bureau: m.bureau,
    exportedAt: m.exportedAt,
    exportedBy: m.exportedBy,
    masking: m.masking,
    ring: {
      ...r,
      keyPersons: r.keyPersons.map((k, i) => ({ ...k, ref: m.keyPersonRefs[i] ?? null })),
      evidence: r.evidence.map((e, i) => ({ ...e, entities: m.evidenceRefs[i]! })),
    },
    entities: m.entities.map((e) => ({ ...e, roleBasis: e.roleBasis ?? null })),
    claims: m.claims,
    lines: m.bundle.lines,
    links: m.links,
    ratings: m.bundle.ratings ?? [],
  };
}

export const caseJsonSchemaDocument = () => ({
  $id: `https://ringlens.invalid/schemas/case-package/case.v${CASE_JSON_VERSION}.json`,
  title: `RingLens case package case.json, schema version ${CASE_JSON_VERSION}`,
  ...z.toJSONSchema(CaseJsonSchema),
});
