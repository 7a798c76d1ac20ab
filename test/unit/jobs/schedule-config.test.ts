import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../config/env.ts';
import { DEFAULT_SCHEDULES_FILE, loadScheduleFile, parseScheduleFile, webhookSecret } from '../../../jobs/schedule-config.ts';

describe('schedules file', () => {
  it('loads the shipped defaults: nightly detection at 02:00 China time, weekly and monthly reports', () => {
    const s = loadScheduleFile(path.join(PROJECT_ROOT, DEFAULT_SCHEDULES_FILE));
    expect(s.map((x) => [x.id, x.kind, x.cron, x.tz, x.period, x.enabled])).toEqual([
      ['nightly-detection', 'detection', '0 2 * * *', 'Asia/Shanghai', 'day', true],
      ['weekly-report', 'report', '0 3 * * 1', 'Asia/Shanghai', 'week', true],
      ['monthly-report', 'report', '0 4 1 * *', 'Asia/Shanghai', 'month', true],
    ]);
    expect(s[0]!.formats).toEqual(['html', 'pdf', 'json']);
  });

  it('names every bad field with its path', () => {
    const text = `
schedules:
  - id: ok-one
    title: fine
    kind: report
    cron: "0 3 * * 1"
    period: week
  - id: ok-one
    title: dup
    kind: detect
    cron: "at two"
    tz: Shanghai/Nowhere
    period: day
    delivery:
      webhooks:
        - url: mailto:x@y
      email: { to: [not-an-address] }
`;
    let message = '';
    try {
      parseScheduleFile(text, 'schedules.yaml');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('schedules.yaml: invalid schedules');
    for (const p of ['schedules.1.kind', 'schedules.1.cron', 'schedules.1.tz', 'schedules.1.delivery.webhooks.0.url', 'schedules.1.delivery.webhooks.0.secret', 'schedules.1.delivery.email.to.0']) {
      expect(message).toContain(`  ${p}:`);
    }
    expect(() => parseScheduleFile('schedules: [', 'x.yaml')).toThrow(/x\.yaml: not valid YAML/);
    expect(() => parseScheduleFile('{"schedules": [{"id": "a", "title": "t", "kind": "report", "cron": "0 3 * * 1", "period": "week"}, {"id": "a", "title": "t", "kind": "report", "cron": "0 3 * * 1", "period": "week"}]}', 'x.json')).toThrow(/schedules\.1\.id: duplicate id "a"/);
  });

  it('reads a webhook secret from the environment variable it names', () => {
    expect(webhookSecret({ url: 'https://x', secretEnv: 'HOOK_KEY' }, { HOOK_KEY: '0123456789abcdef0' })).toBe('0123456789abcdef0');
    expect(() => webhookSecret({ url: 'https://x', secretEnv: 'HOOK_KEY' }, {})).toThrow(/HOOK_KEY is not set/);
  });
});
