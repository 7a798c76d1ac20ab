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

export const TARGET_KINDS = ['claims', 'claim_items', 'persons', 'cards', 'institutions', 'doctors', 'regions', 'items'] as const;

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
};
