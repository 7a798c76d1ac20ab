import { describe, expect, it } from 'vitest';
import { windowStart } from '../../cli/commands/detect.ts';

describe('ringlens detect --window', () => {
  it('starts N−1 days before today in China time, today counting as one', () => {
    // 2026-12-06 01:00 in Beijing is still 2026-12-05 in UTC: the window follows the bureau's calendar.
    const now = new Date('2026-12-05T17:00:00Z');
    expect(windowStart(1, now)).toBe('2026-12-06');
    expect(windowStart(365, now)).toBe('2025-12-07');
    expect(windowStart(7, new Date('2026-03-02T04:00:00Z'))).toBe('2026-02-24');
  });
});
