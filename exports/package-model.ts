import type { CaseBundle, ClaimInfo, EntityInfo, EntityType } from './case-bundle.ts';
import { applyMasking, type MaskingDecision } from './masking.ts';

/**
 * The bundle as every file of the package presents it: masked as decided, each entity under a
 * package-local reference (P0001, K0001, D0001, H0001) that all files share — masked identifiers can
 * collide, references cannot — and the network of entities derived from the evidence claims.
 */

export const REF_PREFIX: Record<EntityType, string> = { person: 'P', card: 'K', doctor: 'D', institution: 'H' };

export interface ModelEntity extends EntityInfo {
  ref: string;
  member: boolean;
}

export interface ModelClaim extends ClaimInfo {
  cardRef: string | null;
  holderRef: string | null;
  recipientRef: string | null;
  institutionRef: string | null;
  doctorRef: string | null;
  prescriberRef: string | null;
  institutionName: string | null;
  doctorName: string | null;
}

export type LinkType = 'holds' | 'used' | 'settled-at' | 'visited' | 'treated' | 'prescribed-to' | 'works-at';

export interface ModelLink {
  id: string;
  type: LinkType;
  source: string;
  target: string;
  claims: number;
  total: number;
  fundPaid: number;
  first: string | null;
  last: string | null;
}

export interface PackageModel {
  /** the case id, or NOCASE-<ringId> for a ring exported without a case */
  caseNumber: string;
  hasCase: boolean;
  bundle: CaseBundle;
  masking: MaskingDecision;
  entities: ModelEntity[];
  claims: ModelClaim[];
  links: ModelLink[];
  /** evidence entity references ("type:key") → package refs, for evidence rows */
  evidenceRefs: string[][];
  keyPersonRefs: (string | null)[];
  exportedAt: string;
  exportedBy: { user: string; role: string };
  bureau: string;
}

export const noCaseNumber = (ringId: string) => `NOCASE-${ringId}`;

const round2 = (v: number) => Math.round(v * 100) / 100;

export function buildPackageModel(
  raw: CaseBundle,
  masking: MaskingDecision,
  meta: { exportedAt: string; exportedBy: { user: string; role: string }; bureau: string },
): PackageModel {
  const refOf = new Map<string, string>();
  const counters: Record<EntityType, number> = { person: 0, card: 0, doctor: 0, institution: 0 };
  for (const e of raw.entities) refOf.set(`${e.type}:${e.key}`, `${REF_PREFIX[e.type]}${String(++counters[e.type]).padStart(4, '0')}`);
  const ref = (type: EntityType, key: string | null) => (key === null ? null : (refOf.get(`${type}:${key}`) ?? null));
  const byRef = new Map<string, EntityInfo>(raw.entities.map((e) => [refOf.get(`${e.type}:${e.key}`)!, e]));

  const masked = applyMasking(raw, masking);
  // A role is printed only beside the numbers that earned it; a member without them is a plain member.
  const entities: ModelEntity[] = masked.entities.map((e, i) => ({
    ...e,
    role: e.role !== null && !e.roleBasis ? 'member' : e.role,
    roleBasis: e.roleBasis ?? null,
    ref: refOf.get(`${raw.entities[i]!.type}:${raw.entities[i]!.key}`)!,
    member: e.role !== null,
  }));
  const claims: ModelClaim[] = masked.claims.map((c, i) => {
    const r = raw.claims[i]!;
    const institutionRef = ref('institution', r.institutionCode);
    const doctorRef = ref('doctor', r.doctorCode);
    return {
      ...c,
      cardRef: ref('card', r.cardNo),
      holderRef: ref('person', r.holderIdNumber),
      recipientRef: ref('person', r.recipientIdNumber),
      institutionRef,
      doctorRef,
      prescriberRef: ref('doctor', r.prescriberCode),
      institutionName: institutionRef ? (byRef.get(institutionRef)?.name ?? null) : null,
      doctorName: doctorRef ? (byRef.get(doctorRef)?.name ?? null) : null,
    };
  });

  const links = new Map<string, ModelLink>();
  const link = (type: LinkType, source: string | null, target: string | null, c: ModelClaim | null) => {
    if (!source || !target || source === target) return;
    const id = `${type}:${source}:${target}`;
    let l = links.get(id);
    if (!l) links.set(id, (l = { id: '', type, source, target, claims: 0, total: 0, fundPaid: 0, first: null, last: null }));
    if (!c) return;
    l.claims++;
    l.total += c.total;
    l.fundPaid += c.fundPaid;
    if (!l.first || c.settledAt < l.first) l.first = c.settledAt;
    if (!l.last || c.settledAt > l.last) l.last = c.settledAt;
  };
  for (const c of claims) {
    link('holds', c.holderRef, c.cardRef, null);
    if (c.recipientRef && c.recipientRef !== c.holderRef) link('used', c.recipientRef, c.cardRef, c);
    link('settled-at', c.cardRef, c.institutionRef, c);
    // The patient's own link to the institution: rings of patients (over-treatment, recruited) have no card members.
    link('visited', c.recipientRef ?? c.holderRef, c.institutionRef, c);
    link('treated', c.doctorRef, c.recipientRef ?? c.holderRef, c);
    link('prescribed-to', c.prescriberRef, c.institutionRef, c);
  }
  for (const e of raw.entities) {
    if (e.type === 'doctor') link('works-at', ref('doctor', e.key), ref('institution', e.institutionCode), null);
    // A member card's holder holds it even when no evidence claim names the holder.
    if (e.type === 'card') link('holds', ref('person', e.holderIdNumber), ref('card', e.key), null);
  }
  const linkList = [...links.values()].map((l, i) => ({ ...l, id: `L${String(i + 1).padStart(5, '0')}`, total: round2(l.total), fundPaid: round2(l.fundPaid) }));

  return {
    caseNumber: raw.case ? raw.case.caseId : noCaseNumber(raw.ring.ringId),
    hasCase: raw.case !== null,
    bundle: masked,
    masking,
    entities,
    claims,
    links: linkList,
    // An entity the package does not carry keeps its (masked) reference, never the raw key.
    evidenceRefs: raw.ring.evidence.map((e, i) => e.entities.map((x, j) => refOf.get(x) ?? masked.ring.evidence[i]!.entities[j]!)),
    keyPersonRefs: raw.ring.keyPersons.map((k) => ref('person', k.id)),
    ...meta,
  };
}
