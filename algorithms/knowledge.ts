import { z } from 'zod';
import { GENDER, type ClaimSet } from './claim-set.ts';

/**
 * Clinical and market knowledge the detectors need and cannot estimate from claims alone: which care is
 * planned to repeat (dialysis, chemotherapy cycles, rehabilitation courses), how often a test is
 * clinically due (HbA1c a few times a year), which drugs only specialty pharmacies stock. A bureau
 * edits it as data (`config/detection-knowledge.yaml`, loaded and validated by detection/knowledge.ts);
 * here it is matched against one ClaimSet's catalog and diagnoses by name patterns and code prefixes,
 * never by one literal item code, so it holds on any catalog.
 */

/** Rules that treat a planned-care claim as expected repetition rather than evidence. */
export const PLANNED_CARE_EXEMPTIONS = ['readmission', 'co-visit', 'farming', 'visit-frequency'] as const;
export type PlannedCareExemption = (typeof PLANNED_CARE_EXEMPTIONS)[number];

const Source = z.string().min(1, 'every fact names its source');

export const PlannedCareSchema = z.object({
  kind: z.string().min(1),
  label: z.string().min(1),
  /** ICD-10 code prefixes, dots ignored (`Z51.1` and `Z511` are the same) */
  diagnoses: z.array(z.string().min(1)).default([]),
  /** substrings of item names (case-insensitive) */
  items: z.array(z.string().min(1)).default([]),
  /** how a claim qualifies: an item alone, the diagnosis alone, both, or either */
  match: z.enum(['items', 'diagnosis', 'both', 'either']),
  exemptFrom: z.array(z.enum(PLANNED_CARE_EXEMPTIONS)).min(1),
  source: Source,
});

export const FrequencyGuidelineSchema = z.object({
  name: z.string().min(1),
  /** substrings of item names (case-insensitive) */
  items: z.array(z.string().min(1)).min(1),
  /** clinically due at most this many times per patient and year */
  maxPerYear: z.number().positive(),
  source: Source,
});

/**
 * Diagnoses that only one sex, or people of some ages, can have (a pregnancy, a prostate disease). On a
 * claim settled for the card's holder they say the care was someone else's.
 */
export const DiagnosisRestrictionSchema = z
  .object({
    label: z.string().min(1),
    /** ICD-10 code prefixes, dots ignored */
    diagnoses: z.array(z.string().min(1)).min(1),
    gender: z.enum(['F', 'M']).optional(),
    /** inclusive age bounds in whole years */
    minAge: z.number().int().min(0).optional(),
    maxAge: z.number().int().min(0).optional(),
    source: Source,
  })
  .refine((r) => r.gender !== undefined || r.minAge !== undefined || r.maxAge !== undefined, 'a restriction names a gender or an age bound')
  .refine((r) => r.minAge === undefined || r.maxAge === undefined || r.minAge <= r.maxAge, 'minAge is above maxAge');

export const DetectionKnowledgeSchema = z.object({
  version: z.literal(1),
  plannedCare: z.array(PlannedCareSchema),
  frequencyGuidelines: z.array(FrequencyGuidelineSchema),
  /** drugs stocked by specialty (DTP) pharmacies only, by name substring; the data adds any drug few pharmacies dispense */
  specialtyDrugs: z.object({ items: z.array(z.string().min(1)), source: Source }),
  /** two-character surnames, so 欧阳 and 司马 are read as one surname when inferring kinship */
  compoundSurnames: z.array(z.string().length(2)),
  /** diagnoses restricted by sex or age (a file written before this list existed restricts none) */
  diagnosisRestrictions: z.array(DiagnosisRestrictionSchema).default([]),
});
export type DetectionKnowledge = z.infer<typeof DetectionKnowledgeSchema>;

export interface CompiledKnowledge {
  /** planned-care kinds, in the order of the bit they set */
  plannedKinds: string[];
  /** per claim: bitmask of planned-care kinds (0 = not planned care) */
  plannedCare: Uint32Array;
  /** per rule: bitmask of kinds exempt from it */
  exemptMask: Record<PlannedCareExemption, number>;
  /** per item: index into guidelines, or -1 */
  itemGuideline: Int16Array;
  guidelines: DetectionKnowledge['frequencyGuidelines'];
  /** per item: 1 when named as a specialty drug */
  specialtyItem: Uint8Array;
  compoundSurnames: ReadonlySet<string>;
  /** per diagnosis: the only gender it fits (GENDER code; GENDER.unknown = either) and its age bounds (−1 = none) */
  diagnosisGender: Uint8Array;
  diagnosisMinAge: Int16Array;
  diagnosisMaxAge: Int16Array;
}

const normalizeCode = (code: string) => code.replace(/\./g, '').toUpperCase();

function matchesAny(name: string, patterns: readonly string[]): boolean {
  const n = name.toLowerCase();
  return patterns.some((p) => n.includes(p.toLowerCase()));
}

export function compileKnowledge(set: ClaimSet, k: DetectionKnowledge): CompiledKnowledge {
  if (k.plannedCare.length > 32) throw new Error(`detection knowledge: at most 32 planned-care kinds (got ${k.plannedCare.length})`);
  const nItems = set.items.id.length;
  const itemMatch = k.plannedCare.map((pc) => {
    const m = new Uint8Array(nItems);
    if (pc.items.length) for (let it = 0; it < nItems; it++) m[it] = matchesAny(set.items.name[it] ?? '', pc.items) ? 1 : 0;
    return m;
  });
  const dxMatch = k.plannedCare.map((pc) => {
    const prefixes = pc.diagnoses.map(normalizeCode);
    return set.diagnoses.code.map((code) => {
      const c = normalizeCode(code ?? '');
      return c.length > 0 && prefixes.some((p) => c.startsWith(p));
    });
  });
  const c = set.claims;
  const plannedCare = new Uint32Array(c.count);
  for (let i = 0; i < c.count; i++) {
    let mask = 0;
    const dx = c.diagnosis[i]!;
    for (let kind = 0; kind < k.plannedCare.length; kind++) {
      const pc = k.plannedCare[kind]!;
      const dxOk = dx >= 0 && dxMatch[kind]![dx] === true;
      let itemOk = false;
      if (pc.match !== 'diagnosis') {
        const im = itemMatch[kind]!;
        for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]! && !itemOk; l++) itemOk = im[set.lines.item[l]!] === 1;
      }
      const ok = pc.match === 'items' ? itemOk : pc.match === 'diagnosis' ? dxOk : pc.match === 'both' ? itemOk && dxOk : itemOk || dxOk;
      if (ok) mask |= 1 << kind;
    }
    plannedCare[i] = mask >>> 0;
  }
  const exemptMask = Object.fromEntries(PLANNED_CARE_EXEMPTIONS.map((rule) => [rule, k.plannedCare.reduce((m, pc, kind) => (pc.exemptFrom.includes(rule) ? m | (1 << kind) : m), 0) >>> 0])) as Record<PlannedCareExemption, number>;
  const itemGuideline = new Int16Array(nItems).fill(-1);
  for (let it = 0; it < nItems; it++) {
    const g = k.frequencyGuidelines.findIndex((fg) => matchesAny(set.items.name[it] ?? '', fg.items));
    itemGuideline[it] = g;
  }
  const specialtyItem = new Uint8Array(nItems);
  for (let it = 0; it < nItems; it++) specialtyItem[it] = matchesAny(set.items.name[it] ?? '', k.specialtyDrugs.items) ? 1 : 0;
  const nDx = set.diagnoses.code.length;
  const diagnosisGender = new Uint8Array(nDx).fill(GENDER.unknown);
  const diagnosisMinAge = new Int16Array(nDx).fill(-1);
  const diagnosisMaxAge = new Int16Array(nDx).fill(-1);
  for (const r of k.diagnosisRestrictions) {
    const prefixes = r.diagnoses.map(normalizeCode);
    for (let dx = 0; dx < nDx; dx++) {
      const code = normalizeCode(set.diagnoses.code[dx] ?? '');
      if (code.length === 0 || !prefixes.some((p) => code.startsWith(p))) continue;
      if (r.gender) diagnosisGender[dx] = r.gender === 'F' ? GENDER.female : GENDER.male;
      // several rules on one code: the narrowest bounds
      if (r.minAge !== undefined) diagnosisMinAge[dx] = Math.max(diagnosisMinAge[dx]!, r.minAge);
      if (r.maxAge !== undefined) diagnosisMaxAge[dx] = diagnosisMaxAge[dx]! < 0 ? r.maxAge : Math.min(diagnosisMaxAge[dx]!, r.maxAge);
    }
  }
  return {
    plannedKinds: k.plannedCare.map((pc) => pc.kind),
    plannedCare,
    exemptMask,
    itemGuideline,
    guidelines: k.frequencyGuidelines,
    specialtyItem,
    compoundSurnames: new Set(k.compoundSurnames),
    diagnosisGender,
    diagnosisMinAge,
    diagnosisMaxAge,
  };
}

/** Is claim i planned care that the given rule must treat as expected? */
export function isExempt(k: CompiledKnowledge, claim: number, rule: PlannedCareExemption): boolean {
  return (k.plannedCare[claim]! & k.exemptMask[rule]) !== 0;
}
