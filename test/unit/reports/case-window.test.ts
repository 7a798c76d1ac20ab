import { describe, expect, it } from 'vitest';
import { caseWindow } from '../../../reports/model.ts';

/** Issue 23, defect 13: the report's case figures cover the one period before it fired. */
describe('the window of a report’s case figures', () => {
  it('is the seven days before a weekly report fired, the day before a daily one', () => {
    expect(caseWindow('week', '2026-12-06T19:00:00.000Z')).toEqual({ from: '2026-11-29T19:00:00.000Z', to: '2026-12-06T19:00:00.000Z' });
    expect(caseWindow('day', '2026-12-06T18:00:00.000Z')).toEqual({ from: '2026-12-05T18:00:00.000Z', to: '2026-12-06T18:00:00.000Z' });
  });

  it('is the calendar month before a monthly report, however long that month was', () => {
    expect(caseWindow('month', '2026-03-01T00:00:00.000Z')).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
  });

  it('refuses a fire time that is no time and a period it does not know', () => {
    expect(() => caseWindow('week', 'yesterday')).toThrow(/not a time/);
    expect(() => caseWindow('fortnight', '2026-12-06T19:00:00.000Z')).toThrow(/not a period unit/);
  });
});
