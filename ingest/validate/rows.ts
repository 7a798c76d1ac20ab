import { z } from 'zod';
import {
  CARD_TYPES,
  CLAIM_KINDS,
  GENDERS,
  IDENTITY_CHECKS,
  INSTITUTION_KINDS,
  INSTITUTION_LEVELS,
  INSURED_TYPES,
  ITEM_CATEGORIES,
} from '../../generator/format.ts';
import { parseIdNumber } from '../../generator/id-number.ts';
import { amount, coordinate, date, decimal, idNumber, integer, key, matching, oneOf, optional, regionCode, text, timestamp } from './fields.ts';
import { limitsFromEnv, type ValueLimits } from './limits.ts';

/**
 * One zod schema per canonical file kind. Input: the row's fields by canonical column name (strings).
 * Output: the typed properties the graph writer sends to Cypher. Cross-field rules (fund-paid ≤ total,
 * the ID number agreeing with birth date and gender, …) are refinements that name the field at fault.
 */
export const rowSchemas = (limits: ValueLimits) => {
  const birthDate = () => date(limits.earliestBirthDate, limits.latestDate);
  const eventDate = () => date(limits.earliestEventDate, limits.latestDate);
  const money = () => amount(limits.maxAmount);
  const count = (min = 0) => integer(min, limits.maxCount);
  return {
  regions: z.object({
    region_code: regionCode(),
    region_name: text(),
    province_name: optional(text()),
    latitude: optional(coordinate(90)),
    longitude: optional(coordinate(180)),
  }),

  institutions: z.object({
    institution_code: key(),
    name: text(),
    kind: oneOf(INSTITUTION_KINDS),
    level: optional(oneOf(INSTITUTION_LEVELS)),
    region_code: regionCode(),
    address: optional(text(400)),
    latitude: optional(coordinate(90)),
    longitude: optional(coordinate(180)),
    bed_count: optional(count()),
  }),

  doctors: z.object({
    doctor_code: key(),
    name: text(),
    gender: optional(oneOf(GENDERS)),
    institution_code: key(),
    department: optional(text()),
    title: optional(text()),
  }),

  persons: z
    .object({
      id_number: idNumber(),
      name: text(),
      gender: oneOf(GENDERS),
      birth_date: birthDate(),
      region_code: regionCode(),
      insured_type: optional(oneOf(INSURED_TYPES)),
      household_id: optional(key()),
      address: optional(text(400)),
    })
    .superRefine((r, ctx) => {
      const parsed = parseIdNumber(r.id_number);
      if (parsed && parsed.birthDate !== r.birth_date) ctx.addIssue({ code: 'custom', path: ['birth_date'], message: `disagrees with the ID number (${parsed.birthDate})` });
      if (parsed && parsed.gender !== r.gender) ctx.addIssue({ code: 'custom', path: ['gender'], message: `disagrees with the ID number (${parsed.gender})` });
    }),

  cards: z.object({
    card_id: key(),
    card_type: oneOf(CARD_TYPES),
    holder_id_number: idNumber(),
    issued_date: optional(eventDate()),
    issuing_region_code: optional(regionCode()),
  }),

  items: z.object({
    item_code: key(),
    item_name: text(),
    category: oneOf(ITEM_CATEGORIES),
    unit: optional(text(20)),
    reference_price: optional(money()),
    gender_restriction: optional(oneOf(GENDERS)),
    min_age: optional(count()),
    max_age: optional(count()),
    min_level: optional(oneOf(INSTITUTION_LEVELS)),
  }),

  claims: z
    .object({
      claim_id: key(),
      settled_at: timestamp(limits.earliestEventDate, limits.latestDate),
      claim_kind: oneOf(CLAIM_KINDS),
      institution_code: key(),
      department: optional(text()),
      doctor_code: optional(key()),
      card_id: key(),
      insured_id_number: idNumber(),
      served_id_number: optional(idNumber()),
      identity_check: optional(oneOf(IDENTITY_CHECKS)),
      region_code: regionCode(),
      diagnosis_code: optional(matching(/^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/, 'is not an ICD-10 code')),
      diagnosis_name: optional(text()),
      admission_date: optional(eventDate()),
      discharge_date: optional(eventDate()),
      prescription_id: optional(key()),
      prescribing_doctor_code: optional(key()),
      prescribing_institution_code: optional(key()),
      item_count: optional(count()),
      total_amount: money(),
      fund_paid: money(),
      self_paid: optional(money()),
    })
    .superRefine((r, ctx) => {
      if (r.fund_paid > r.total_amount) ctx.addIssue({ code: 'custom', path: ['fund_paid'], message: `${r.fund_paid} exceeds total_amount ${r.total_amount}` });
      if (r.self_paid !== undefined && Math.abs(r.fund_paid + r.self_paid - r.total_amount) > 0.005) {
        ctx.addIssue({ code: 'custom', path: ['self_paid'], message: `fund_paid + self_paid = ${(r.fund_paid + r.self_paid).toFixed(2)}, not total_amount ${r.total_amount}` });
      }
      if (r.claim_kind === 'inpatient' && (!r.admission_date || !r.discharge_date)) {
        ctx.addIssue({ code: 'custom', path: [r.admission_date ? 'discharge_date' : 'admission_date'], message: 'is required for an inpatient claim' });
      }
      if (r.admission_date && r.discharge_date && r.admission_date > r.discharge_date) {
        ctx.addIssue({ code: 'custom', path: ['discharge_date'], message: `is before admission_date ${r.admission_date}` });
      }
      if (r.served_id_number && r.identity_check === 'none') {
        ctx.addIssue({ code: 'custom', path: ['identity_check'], message: 'is none but served_id_number is recorded' });
      }
    }),

  claim_items: z.object({
    claim_id: key(),
    line_no: count(1),
    item_code: key(),
    item_name: optional(text()),
    category: optional(oneOf(ITEM_CATEGORIES)),
    quantity: decimal(limits.maxQuantity),
    unit_price: money(),
    amount: money(),
    trace_code: optional(matching(/^\d{20}$/, 'is not a 20-digit traceability code')),
  }),
  } as const;
};

type RowSchemas = ReturnType<typeof rowSchemas>;
export type RowKind = keyof RowSchemas;
export type Row<K extends RowKind> = z.output<RowSchemas[K]>;

// Built on first use, from the environment's limits: worker threads build their own the same way.
let defaultSchemas: RowSchemas | undefined;
const schemas = () => (defaultSchemas ??= rowSchemas(limitsFromEnv()));

export interface RowProblem {
  field: string;
  reason: string;
}

export type Validated<K extends RowKind> = { ok: true; row: Row<K> } | { ok: false; problems: RowProblem[] };

export function validateRow<K extends RowKind>(kind: K, fields: Record<string, string>): Validated<K> {
  const result = schemas()[kind].safeParse(fields);
  if (result.success) return { ok: true, row: result.data as Row<K> };
  const problems = result.error.issues.map((i) => ({
    field: i.path.length ? i.path.join('.') : '(row)',
    reason: i.code === 'invalid_type' && i.input === undefined ? 'is missing' : i.message,
  }));
  return { ok: false, problems };
}
