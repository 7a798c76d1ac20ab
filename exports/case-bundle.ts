import type { CaseStatus } from '../cases/workflow.ts';
import type { EvidenceRecord } from '../detection/ring-record.ts';

export type { CaseStatus };

/**
 * Everything an export package is built from, loaded once from Neo4j (graph/exports/load-case-bundle.ts)
 * and then handled as plain data: the builders in exports/ never touch the driver, so they are pure
 * functions of a bundle and can be tested, masked and benchmarked without a database.
 */


export interface CaseEventInfo {
  at: string;
  actor: string;
  /** display names beside usernames (people are named, the username second); null when the account is gone */
  actorName: string | null;
  kind: string;
  from: string | null;
  to: string | null;
  /** an 'assigned' event's new assignee (`to`) by display name */
  toName: string | null;
  note: string | null;
}

/** The case as graph/cases/cases.ts stores it ((:Case)-[:ABOUT]->(:Ring), history as (:CaseEvent) nodes). */
export interface CaseInfo {
  caseId: string;
  title: string;
  status: CaseStatus;
  assignee: string | null;
  assigneeName: string | null;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  verdict: string | null;
  verdictLabels: string[];
  history: CaseEventInfo[];
}

export interface RingInfo {
  ringId: string;
  family: string;
  types: string[];
  score: number;
  status: string;
  region: string | null;
  regionName: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  claimCount: number;
  totalAmount: number;
  fundPaid: number;
  memberCount: number;
  keyPersons: { id: string; name: string; centrality: number; basis?: { zh: string; en: string } }[];
  evidence: EvidenceRecord[];
  firstRunId: string | null;
  lastRunId: string | null;
  /** the detection runs that found the ring, oldest first (its history) */
  detections: { runId: string; at: string; change: string; memberCount: number | null; fundPaid: number | null }[];
  createdAt: string | null;
  updatedAt: string | null;
}

export type EntityType = 'person' | 'card' | 'doctor' | 'institution';

/**
 * An entity of the ring's network: a ring member, or an entity its evidence claims touch (the holder
 * of a lent card, the pharmacy of a prescription). `key` is the natural key (ID number, card number,
 * doctor code, institution code).
 */
export interface EntityInfo {
  type: EntityType;
  key: string;
  /** role in the ring; null for entities that are not members */
  role: string | null;
  /** the numbers that earned the role; a role without them is printed as a plain member */
  roleBasis?: { zh: string; en: string } | null;
  name: string | null;
  gender: string | null;
  birthDate: string | null;
  region: string | null;
  address: string | null;
  /** card: holder's ID number; doctor: employer's institution code */
  holderIdNumber: string | null;
  institutionCode: string | null;
  /** card: physical/e_voucher; institution: hospital/clinic/pharmacy */
  kind: string | null;
  level: string | null;
  department: string | null;
  title: string | null;
}

export interface ClaimInfo {
  claimId: string;
  settledAt: string;
  kind: string;
  department: string | null;
  region: string | null;
  diagnosisCode: string | null;
  diagnosisName: string | null;
  admissionDate: string | null;
  dischargeDate: string | null;
  prescriptionId: string | null;
  identityCheck: string | null;
  total: number;
  fundPaid: number;
  selfPaid: number;
  cardNo: string | null;
  holderIdNumber: string | null;
  institutionCode: string | null;
  doctorCode: string | null;
  prescriberCode: string | null;
  /** person actually served, where a real-name or face check recorded it */
  recipientIdNumber: string | null;
}

export interface LineInfo {
  claimId: string;
  lineNo: number;
  itemCode: string;
  itemName: string | null;
  category: string | null;
  quantity: number | null;
  unitPrice: number | null;
  amount: number | null;
  traceCode: string | null;
}

/** A saved view of the case graph (graph/cases/views.ts): entities as "type:key". */
export interface CaseViewInfo {
  name: string;
  note: string;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  hiddenTypes: string[];
  entities: string[];
  highlightedEntities: string[];
}

export interface CaseBundle {
  /** null: a ring exported without a case (`ringlens export --ring`) */
  case: CaseInfo | null;
  ring: RingInfo;
  /** members first (in ring order), then the other entities the evidence claims touch */
  entities: EntityInfo[];
  /** evidence claims, oldest first */
  claims: ClaimInfo[];
  /** item lines of the evidence claims, by claim then line number */
  lines: LineInfo[];
  /** the case's saved graph views, oldest first (absent or empty: none) */
  views?: CaseViewInfo[];
  /**
   * Credit rating (docs/rating.md) of each institution of the ring as it stood at referral time: the
   * latest rating computed at or before the case was referred (or before the export, for a case not
   * referred yet). Institutions never rated by then are listed with rating null.
   */
  ratings?: InstitutionRatingInfo[];
  loadedAt: string;
}

export interface InstitutionRatingInfo {
  code: string;
  name: string | null;
  /** the moment the rating is taken at: the referral, else the export */
  asOf: string;
  asOfKind: 'referral' | 'export';
  rating: {
    period: string;
    modelId: string;
    score: number | null;
    band: string | null;
    coverage: number;
    computedAt: string;
    /** indicators that lost points, worst first */
    lowest: { indicator: string; points: number; maxPoints: number }[];
  } | null;
}
