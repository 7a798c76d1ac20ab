import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useDetectionHeapSettings } from '../../bin/v8-memory.js';

describe('RINGLENS_V8_OPTIMIZE_FOR_SIZE (bin/v8-memory.js)', () => {
  it("leaves V8's defaults when unset or 0: the smaller heap is opt-in", () => {
    expect(useDetectionHeapSettings({})).toBe(false);
    expect(useDetectionHeapSettings({ RINGLENS_V8_OPTIMIZE_FOR_SIZE: '0' })).toBe(false);
  });

  it('refuses any other value than 0 or 1, naming the variable, before a detection command runs', () => {
    expect(() => useDetectionHeapSettings({ RINGLENS_V8_OPTIMIZE_FOR_SIZE: 'yes' })).toThrow(/RINGLENS_V8_OPTIMIZE_FOR_SIZE must be 1 .* or 0 .*"yes"/);
    const run = spawnSync(process.execPath, ['bin/ringlens.js', 'detect', '--help'], { env: { ...process.env, RINGLENS_V8_OPTIMIZE_FOR_SIZE: 'true' }, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('ringlens: RINGLENS_V8_OPTIMIZE_FOR_SIZE must be 1');
    expect(run.stdout).toBe('');
  });
});
