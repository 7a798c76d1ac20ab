import { describe, expect, it } from 'vitest';
import { parsePeriod, periodOfDay, previousPeriod } from '../../../rating/period.ts';

describe('rating periods', () => {
  it('parses years, halves, quarters and months into half-open day ranges', () => {
    expect(parsePeriod('2024')).toEqual({ key: '2024', start: '2024-01-01', end: '2025-01-01', unit: 'year' });
    expect(parsePeriod('2024-H2')).toEqual({ key: '2024-H2', start: '2024-07-01', end: '2025-01-01', unit: 'half' });
    expect(parsePeriod('2024-Q3')).toEqual({ key: '2024-Q3', start: '2024-07-01', end: '2024-10-01', unit: 'quarter' });
    expect(parsePeriod('2024-12')).toEqual({ key: '2024-12', start: '2024-12-01', end: '2025-01-01', unit: 'month' });
  });
  it('finds the previous period of the same length across year ends', () => {
    expect(previousPeriod('2024-01').key).toBe('2023-12');
    expect(previousPeriod('2024-H1').key).toBe('2023-H2');
    expect(previousPeriod('2024-Q1').key).toBe('2023-Q4');
    expect(previousPeriod('2024').key).toBe('2023');
    expect(periodOfDay('2024-08-15', 'quarter').key).toBe('2024-Q3');
  });
  it('refuses what is not a period', () => {
    for (const bad of ['2024-13', '2024-Q5', '24-01', '2024-H3', '2024-1']) expect(() => parsePeriod(bad)).toThrow(/is not a period like/);
  });
});
