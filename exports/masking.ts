import { maskAddress, maskBirthDate, maskCardNo, maskIdNumber, maskName } from '../access/masking.ts';
import { ROLES, type Role } from '../access/roles.ts';
import type { CaseBundle, CaseStatus, EntityInfo } from './case-bundle.ts';

/**
 * What an export package reveals about insured persons. A package leaves the bureau, so it carries
 * full identifiers only for a referral: the case has been referred to the police (status
 * `referred`, a supervisor's decision in the case workflow) and the person exporting it is one whose
 * job is the referral (the public-security liaison, or the supervisor who referred it). Every other
 * export — a draft for review, a bare ring, an investigator's copy — is masked the same way the
 * workbench masks for roles without full access: ID 320505********0461, card ******5678, name 张**,
 * birth date year only, address the first 6 characters. Doctors and institutions act in a
 * professional capacity and are never masked; the evidence is about them.
 *
 * The masking formats are the workbench's (access/masking.ts); which roles see what in the workbench
 * is a different table (there supervisors see masked data: they steer from aggregates).
 */
export const EXPORTER_ROLES = ROLES;
export type ExporterRole = Role;

/** Roles that may receive full identifiers in a package for a referred case. */
export const FULL_ID_ROLES: readonly ExporterRole[] = ['liaison', 'supervisor'];

export type MaskingLevel = 'full' | 'masked';

export interface MaskingDecision {
  level: MaskingLevel;
  /** machine-readable reason, recorded in manifest.json and the audit event */
  reason: 'referred-case-authorized-role' | 'case-not-referred' | 'no-case' | 'role-not-authorized';
  caseStatus: CaseStatus | null;
  exporterRole: ExporterRole;
  /** what was masked, for the manifest (empty when full) */
  maskedFields: string[];
}

export const MASKED_FIELDS = ['person.idNumber', 'person.name', 'person.birthDate', 'person.address', 'card.cardNo', 'card.holderIdNumber'];

export function decideMasking(caseStatus: CaseStatus | null, exporterRole: ExporterRole): MaskingDecision {
  const base = { caseStatus, exporterRole };
  if (caseStatus === null) return { ...base, level: 'masked', reason: 'no-case', maskedFields: MASKED_FIELDS };
  if (caseStatus !== 'referred') return { ...base, level: 'masked', reason: 'case-not-referred', maskedFields: MASKED_FIELDS };
  if (!FULL_ID_ROLES.includes(exporterRole)) return { ...base, level: 'masked', reason: 'role-not-authorized', maskedFields: MASKED_FIELDS };
  return { ...base, level: 'full', reason: 'referred-case-authorized-role', maskedFields: [] };
}

export { maskAddress, maskBirthDate, maskCardNo, maskIdNumber, maskName };

const opt = (f: (v: string) => string) => (v: string | null) => (v === null ? null : f(v));

/**
 * The bundle as the recipient may see it. Masked identifiers can collide (two IDs with the same
 * ends), so the builders never use them as keys: they key entities by package-local references.
 */
export function applyMasking(bundle: CaseBundle, decision: MaskingDecision): CaseBundle {
  if (decision.level === 'full') return bundle;
  const id = opt(maskIdNumber);
  const card = opt(maskCardNo);
  const key = (type: string, v: string) => (type === 'person' ? maskIdNumber(v) : type === 'card' ? maskCardNo(v) : v);
  const maskEntity = (e: EntityInfo): EntityInfo => {
    if (e.type === 'person') return { ...e, key: maskIdNumber(e.key), name: opt(maskName)(e.name), birthDate: opt(maskBirthDate)(e.birthDate), address: opt(maskAddress)(e.address) };
    if (e.type === 'card') return { ...e, key: maskCardNo(e.key), holderIdNumber: id(e.holderIdNumber), address: opt(maskAddress)(e.address) };
    return e;
  };
  return {
    ...bundle,
    ring: {
      ...bundle.ring,
      keyPersons: bundle.ring.keyPersons.map((k) => ({ ...k, id: maskIdNumber(k.id), name: maskName(k.name) })),
      evidence: bundle.ring.evidence.map((e) => ({
        ...e,
        entities: e.entities.map((ref) => {
          const i = ref.indexOf(':');
          return i < 0 ? ref : `${ref.slice(0, i)}:${key(ref.slice(0, i), ref.slice(i + 1))}`;
        }),
      })),
    },
    entities: bundle.entities.map(maskEntity),
    claims: bundle.claims.map((c) => ({ ...c, cardNo: card(c.cardNo), holderIdNumber: id(c.holderIdNumber), recipientIdNumber: id(c.recipientIdNumber) })),
  };
}
