import { addDays, format } from 'date-fns';
import { loadEnv } from '../../config/env.ts';

/**
 * Bounds every ingested value must keep (docs/canonical-format.md, "Value contract"). A value outside
 * them is a rejected row, never a stored one: an amount of 10^308 yuan or a settlement in 2099 is a
 * broken export, and storing it breaks every report that sums or sorts it.
 */
export interface ValueLimits {
  /** Largest amount in yuan (totals, fund/self-paid, prices, line amounts). */
  maxAmount: number;
  /** Largest quantity on an item line. */
  maxQuantity: number;
  /** Largest count (item_count, bed_count, ages). */
  maxCount: number;
  /** Earliest birth date (YYYY-MM-DD). */
  earliestBirthDate: string;
  /** Earliest settlement, admission, discharge or card issue date. */
  earliestEventDate: string;
  /** Latest date anything may carry: today plus the configured days of tolerance. */
  latestDate: string;
}

export function limitsFromEnv(env = loadEnv(), today = new Date()): ValueLimits {
  return {
    maxAmount: env.RINGLENS_INGEST_MAX_AMOUNT,
    maxQuantity: env.RINGLENS_INGEST_MAX_QUANTITY,
    maxCount: env.RINGLENS_INGEST_MAX_COUNT,
    earliestBirthDate: env.RINGLENS_INGEST_EARLIEST_BIRTH_DATE,
    earliestEventDate: env.RINGLENS_INGEST_EARLIEST_SETTLEMENT_DATE,
    latestDate: format(addDays(today, env.RINGLENS_INGEST_FUTURE_DAYS), 'yyyy-MM-dd'),
  };
}
