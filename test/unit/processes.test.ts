import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isAlive, terminate } from '../../stack/processes.ts';

describe('stopping processes we started', () => {
  it('ends a process with SIGTERM and reports it', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    child.unref();
    expect(isAlive(child.pid!)).toBe(true);
    expect(await terminate(child.pid!, 5_000)).toBe('terminated');
    expect(isAlive(child.pid!)).toBe(false);
  });

  it('falls back to SIGKILL when SIGTERM is ignored', async () => {
    const child = spawn('sh', ['-c', 'trap "" TERM; sleep 30 & wait; sleep 30'], { detached: true, stdio: 'ignore' });
    child.unref();
    await new Promise((r) => setTimeout(r, 200));
    expect(await terminate(child.pid!, 500)).toBe('killed');
  });

  it('says so when there is nothing to stop', async () => {
    expect(await terminate(2 ** 22 + 12345, 100)).toBe('not-running');
  });
});
