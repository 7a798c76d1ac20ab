/**
 * Column names of each canonical file kind (docs/canonical-format.md on the generator branch).
 * Names only, so mappings can be checked against them; generator/format.ts replaces this file at merge.
 */

export const TARGET_KINDS = [
  'claims',
  'claim_items',
  'persons',
  'cards',
  'institutions',
  'doctors',
  'regions',
  'items',
] as const;

export type TargetKind = (typeof TARGET_KINDS)[number];

export const CANONICAL_COLUMNS: Record<TargetKind, readonly string[]> = {
  regions: ['region_code', 'region_name', 'province_name', 'latitude', 'longitude'],
  institutions: [
    'institution_code',
    'name',
    'kind',
    'level',
    'region_code',
    'address',
    'latitude',
    'longitude',
    'bed_count',
  ],
  doctors: ['doctor_code', 'name', 'gender', 'institution_code', 'department', 'title'],
  persons: ['id_number', 'name', 'gender', 'birth_date', 'region_code', 'insured_type', 'household_id', 'address'],
  cards: ['card_id', 'card_type', 'holder_id_number', 'issued_date', 'issuing_region_code'],
  items: [
    'item_code',
    'item_name',
    'category',
    'unit',
    'reference_price',
    'gender_restriction',
    'min_age',
    'max_age',
    'min_level',
  ],
  claims: [
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
  ],
  claim_items: [
    'claim_id',
    'line_no',
    'item_code',
    'item_name',
    'category',
    'quantity',
    'unit_price',
    'amount',
    'trace_code',
  ],
};
