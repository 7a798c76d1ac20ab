import { describe, expect, it } from 'vitest';
import { isoWeek, PERIOD_KEY_PATTERN, periodKey } from '../../../jobs/period.ts';

describe('period keys of scheduled reports', () => {
  // 2026-11-22T18:00Z is 2026-11-23 02:00 in Shanghai (UTC+8, no DST).
  const nightly = Date.parse('2026-11-22T18:00:00Z');

  it('names the period in the schedule time zone, from the fire time', () => {
    expect(periodKey(nightly, 'day', 'Asia/Shanghai')).toBe('2026-11-23');
    expect(periodKey(nightly, 'day', 'UTC')).toBe('2026-11-22');
    expect(periodKey(nightly, 'month', 'Asia/Shanghai')).toBe('2026-11');
    expect(periodKey(nightly, 'hour', 'Asia/Shanghai')).toBe('2026-11-23T02');
    expect(periodKey(nightly + 5 * 60_000, 'minute', 'Asia/Shanghai')).toBe('2026-11-23T0205');
    expect(periodKey(nightly, 'week', 'Asia/Shanghai')).toBe('2026-W48');
  });

  it('gives two fires inside one period the same key and the next period another', () => {
    expect(periodKey(nightly, 'day', 'Asia/Shanghai')).toBe(periodKey(nightly + 21 * 3600_000, 'day', 'Asia/Shanghai'));
    expect(periodKey(nightly + 22 * 3600_000, 'day', 'Asia/Shanghai')).toBe('2026-11-24');
  });

  it('numbers ISO weeks across year ends', () => {
    expect(isoWeek(2021, 1, 3)).toEqual({ year: 2020, week: 53 });
    expect(isoWeek(2024, 12, 30)).toEqual({ year: 2025, week: 1 });
    expect(isoWeek(2026, 1, 1)).toEqual({ year: 2026, week: 1 });
  });

  it('makes keys without colons (BullMQ job ids) that the API pattern accepts', () => {
    for (const unit of ['minute', 'hour', 'day', 'week', 'month'] as const) {
      const k = periodKey(nightly, unit, 'Asia/Shanghai');
      expect(k).not.toContain(':');
      expect(PERIOD_KEY_PATTERN.test(k), k).toBe(true);
    }
    expect(() => periodKey(Number.NaN, 'day', 'Asia/Shanghai')).toThrow(/not a time/);
  });
});
