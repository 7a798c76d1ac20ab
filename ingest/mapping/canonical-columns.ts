/** Column names of each canonical file kind, from generator/format.ts (docs/canonical-format.md). */
import {
  CARD_COLUMNS,
  CLAIM_COLUMNS,
  CLAIM_ITEM_COLUMNS,
  DOCTOR_COLUMNS,
  INSTITUTION_COLUMNS,
  ITEM_COLUMNS,
  PERSON_COLUMNS,
  REGION_COLUMNS,
} from '../../generator/format.ts';

export const TARGET_KINDS = ['claims', 'claim_items', 'persons', 'cards', 'institutions', 'doctors', 'regions', 'items', 'credit_indicators', 'doctor_credit_indicators'] as const;

/** Columns of a credit-rating import (docs/rating.md): one value of one external indicator of one institution and period. */
export const CREDIT_INDICATOR_COLUMNS = ['period', 'institution_code', 'indicator', 'value'] as const;
/** Columns of a doctor credit-rating import: one value of one external indicator of one doctor and period. */
export const DOCTOR_CREDIT_INDICATOR_COLUMNS = ['period', 'doctor_code', 'indicator', 'value'] as const;

export type TargetKind = (typeof TARGET_KINDS)[number];

export const CANONICAL_COLUMNS: Record<TargetKind, readonly string[]> = {
  regions: REGION_COLUMNS,
  institutions: INSTITUTION_COLUMNS,
  doctors: DOCTOR_COLUMNS,
  persons: PERSON_COLUMNS,
  cards: CARD_COLUMNS,
  items: ITEM_COLUMNS,
  claims: CLAIM_COLUMNS,
  claim_items: CLAIM_ITEM_COLUMNS,
  credit_indicators: CREDIT_INDICATOR_COLUMNS,
  doctor_credit_indicators: DOCTOR_CREDIT_INDICATOR_COLUMNS,
};
