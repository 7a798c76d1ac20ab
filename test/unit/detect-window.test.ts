import { describe, expect, it } from 'vitest';
import { windowStart } from '../../cli/commands/detect.ts';
import { DetectionScopeSchema, periodOf, resolveWindow } from '../../detection/scope.ts';
import { parseScheduleFile } from '../../jobs/schedule-config.ts';

describe('ringlens detect --window', () => {
  it('starts N−1 days before today in China time, today counting as one', () => {
    // 2026-12-06 01:00 in Beijing is still 2026-12-05 in UTC: the window follows the bureau's calendar.
    const now = new Date('2026-12-05T17:00:00Z');
    expect(windowStart(1, now)).toBe('2026-12-06');
    expect(windowStart(365, now)).toBe('2025-12-07');
    expect(windowStart(7, new Date('2026-03-02T04:00:00Z'))).toBe('2026-02-24');
  });
});

describe('a window on the detect job, the API and schedules', () => {
  it('is part of a scope, resolved to since once and kept beside it', () => {
    expect(DetectionScopeSchema.parse({ region: '330100', window: '365d' })).toEqual({ region: '330100', window: '365d' });
    const bad = DetectionScopeSchema.safeParse({ window: '365d', since: '2026-01-01' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['window'], message: expect.stringMatching(/give one/) });
    expect(DetectionScopeSchema.safeParse({ window: '0d' }).success).toBe(false);
    expect(DetectionScopeSchema.safeParse({ window: '12m' }).success).toBe(false);
    const now = new Date('2026-12-05T17:00:00Z');
    const resolved = resolveWindow({ region: '330100', window: '365d' }, now);
    expect(resolved).toEqual({ region: '330100', window: '365d', since: '2025-12-07' });
    // Resolved already (a part of a partitioned run taken the next day): unchanged.
    expect(resolveWindow(resolved, new Date('2026-12-06T17:00:00Z'))).toBe(resolved);
    expect(periodOf(resolved)).toEqual({ region: '330100', since: '2025-12-07' });
    expect(resolveWindow({ until: '2026-01-01' }, now)).toEqual({ until: '2026-01-01' });
  });

  it('belongs to detection schedules only', () => {
    const base = { title: 't', cron: '0 2 * * *', period: 'day' };
    expect(parseScheduleFile(JSON.stringify({ schedules: [{ id: 'n', kind: 'detection', window: '365d', ...base }] }), 's.json')[0]!.window).toBe('365d');
    expect(() => parseScheduleFile(JSON.stringify({ schedules: [{ id: 'w', kind: 'report', window: '365d', ...base }] }), 's.json')).toThrow(/schedules\.0\.window: only a detection schedule has a window/);
    expect(() => parseScheduleFile(JSON.stringify({ schedules: [{ id: 'n', kind: 'detection', window: '1y', ...base }] }), 's.json')).toThrow(/schedules\.0\.window: must be a window of whole days/);
  });
});
