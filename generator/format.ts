/**
 * The canonical ingest format: file names and column order, shared by the generator (which writes it)
 * and the ingest (which reads it). docs/canonical-format.md explains every column; change both together.
 */

export const FORMAT_VERSION = 1;

export const FILES = {
  regions: 'regions.csv',
  institutions: 'institutions.csv',
  doctors: 'doctors.csv',
  persons: 'persons.csv',
  cards: 'cards.csv',
  items: 'items.csv',
  claims: 'claims.csv',
  claimItems: 'claim_items.csv',
  groundTruth: 'ground-truth.json',
  manifest: 'manifest.json',
} as const;

export const REGION_COLUMNS = ['region_code', 'region_name', 'province_name', 'latitude', 'longitude'] as const;

export const INSTITUTION_COLUMNS = [
  'institution_code',
  'name',
  'kind',
  'level',
  'region_code',
  'address',
  'latitude',
  'longitude',
  'bed_count',
] as const;

export const DOCTOR_COLUMNS = ['doctor_code', 'name', 'gender', 'institution_code', 'department', 'title'] as const;

export const PERSON_COLUMNS = [
  'id_number',
  'name',
  'gender',
  'birth_date',
  'region_code',
  'insured_type',
  'household_id',
  'address',
] as const;

export const CARD_COLUMNS = ['card_id', 'card_type', 'holder_id_number', 'issued_date', 'issuing_region_code'] as const;

export const ITEM_COLUMNS = [
  'item_code',
  'item_name',
  'category',
  'unit',
  'reference_price',
  'gender_restriction',
  'min_age',
  'max_age',
  'min_level',
] as const;

export const CLAIM_COLUMNS = [
  'claim_id',
  'settled_at',
  'claim_kind',
  'institution_code',
  'department',
  'doctor_code',
  'card_id',
  'insured_id_number',
  'served_id_number',
  'identity_check',
  'region_code',
  'diagnosis_code',
  'diagnosis_name',
  'admission_date',
  'discharge_date',
  'prescription_id',
  'prescribing_doctor_code',
  'prescribing_institution_code',
  'item_count',
  'total_amount',
  'fund_paid',
  'self_paid',
] as const;

export const CLAIM_ITEM_COLUMNS = [
  'claim_id',
  'line_no',
  'item_code',
  'item_name',
  'category',
  'quantity',
  'unit_price',
  'amount',
  'trace_code',
] as const;

export type RegionColumn = (typeof REGION_COLUMNS)[number];
export type InstitutionColumn = (typeof INSTITUTION_COLUMNS)[number];
export type DoctorColumn = (typeof DOCTOR_COLUMNS)[number];
export type PersonColumn = (typeof PERSON_COLUMNS)[number];
export type CardColumn = (typeof CARD_COLUMNS)[number];
export type ItemColumn = (typeof ITEM_COLUMNS)[number];
export type ClaimColumn = (typeof CLAIM_COLUMNS)[number];
export type ClaimItemColumn = (typeof CLAIM_ITEM_COLUMNS)[number];

export const INSTITUTION_KINDS = ['hospital', 'clinic', 'pharmacy'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

/** Ordered: a higher index is a higher level. Pharmacies carry 'none'. */
export const INSTITUTION_LEVELS = ['none', 'primary', 'secondary', 'tertiary'] as const;
export type InstitutionLevel = (typeof INSTITUTION_LEVELS)[number];

export const CLAIM_KINDS = ['outpatient', 'inpatient', 'pharmacy'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export const CARD_TYPES = ['physical', 'e_voucher'] as const;
export type CardType = (typeof CARD_TYPES)[number];

export const IDENTITY_CHECKS = ['face', 'real_name', 'none'] as const;
export type IdentityCheck = (typeof IDENTITY_CHECKS)[number];

export const ITEM_CATEGORIES = ['drug', 'exam', 'treatment', 'material', 'bed'] as const;
export type ItemCategory = (typeof ITEM_CATEGORIES)[number];

export const INSURED_TYPES = ['employee', 'resident'] as const;
export type InsuredType = (typeof INSURED_TYPES)[number];

export const GENDERS = ['M', 'F'] as const;
export type Gender = (typeof GENDERS)[number];

/** Code shapes, for validation on ingest. */
export const CODE_PATTERNS = {
  regionCode: /^\d{6}$/,
  idNumber: /^\d{17}[\dX]$/,
  hospitalOrClinicCode: /^H\d{11}$/,
  pharmacyCode: /^P\d{11}$/,
  doctorCode: /^D\d{12}$/,
  physicalCardId: /^[A-Z]\d{8}$/,
  eVoucherId: /^EV\d{16}$/,
  claimId: /^CL\d{14}$/,
  prescriptionId: /^RX\d{14}$/,
  traceCode: /^\d{20}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/,
  amount: /^\d+\.\d{2}$/,
} as const;
