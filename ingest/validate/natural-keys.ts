import type { RowKind } from './rows.ts';

/**
 * The columns that identify a row of each kind: the graph merges on them (graph/writes/upserts.ts),
 * so two rows of one file with the same key would land on one node or relationship.
 * Item lines are identified as their BILLED relationship is merged: claim, line number and item.
 */
export const NATURAL_KEYS: Record<RowKind, readonly string[]> = {
  regions: ['region_code'],
  institutions: ['institution_code'],
  doctors: ['doctor_code'],
  persons: ['id_number'],
  cards: ['card_id'],
  items: ['item_code'],
  claims: ['claim_id'],
  claim_items: ['claim_id', 'line_no', 'item_code'],
};
