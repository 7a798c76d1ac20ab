import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../config/env.ts';
import { createDriver } from '../../graph/driver.ts';
import { loadGeneratedDataset } from './helpers/dataset.ts';

/**
 * `ringlens detect` run as an operator runs it (its own process, NEO4J_URI to the test stack's Neo4j) on a
 * small generated dataset: it says which rings are new, grew, shrank, were rescored or are gone since the
 * previous run, the same changes the run stores (DetectionRun -[:FOUND {change}]-> / -[:DISSOLVED]->).
 */
const CHANGE_LINE = /^ {2}(new|grown|shrunk|rescored|dissolved) +(\S+)/;

describe('ringlens detect announces what changed since the previous run', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);
  let dir = '';

  const detect = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const env = { ...process.env, NEO4J_URI: stack.neo4j.uri, NEO4J_USER: stack.neo4j.user, NEO4J_PASSWORD: stack.neo4j.password, LOG_LEVEL: 'warn' };
      const child = spawn(process.execPath, ['bin/ringlens.js', 'detect', ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  /** What the run stored: every ring it did not find unchanged, and every ring it dissolved. */
  const stored = async (runId: string) => {
    const { records } = await driver.executeQuery(
      `MATCH (d:DetectionRun {runId: $runId})
       CALL (d) { MATCH (d)-[f:FOUND]->(r:Ring) WHERE f.change <> 'unchanged' RETURN f.change AS change, r.ringId AS ringId
                  UNION ALL MATCH (d)-[:DISSOLVED]->(r:Ring) RETURN 'dissolved' AS change, r.ringId AS ringId }
       RETURN change, ringId`,
      { runId },
    );
    return records.map((r) => `${r.get('change')} ${r.get('ringId')}`).sort();
  };
  const printed = (stdout: string) =>
    stdout
      .split('\n')
      .map((l) => CHANGE_LINE.exec(l))
      .filter((m) => m !== null)
      .map((m) => `${m[1]} ${m[2]}`)
      .sort();
  const runIdOf = (stdout: string) => /^(\S+): \d+ claims, \d+ rings/m.exec(stdout)?.[1];

  beforeAll(async () => {
    ({ dir } = await loadGeneratedDataset(driver, { claims: 5_000, seed: 11, prefix: 'wtdef-cli-detect-' }));
  }, 600_000);
  afterAll(async () => {
    await driver.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('first run: every ring is new, and each is named; a narrower period: the rings that shrank or are gone are named, as stored', async () => {
    const first = await detect([]);
    expect(first.code, first.stderr).toBe(0);
    const firstRun = runIdOf(first.stdout)!;
    expect(firstRun, first.stdout).toBeTruthy();
    const firstChanges = await stored(firstRun);
    expect(firstChanges.length).toBeGreaterThan(0);
    expect(firstChanges.every((c) => c.startsWith('new '))).toBe(true);
    expect(printed(first.stdout)).toEqual(firstChanges);

    // Half the year: rings lose members or are not found at all.
    const second = await detect(['--until', '2024-06-30']);
    expect(second.code, second.stderr).toBe(0);
    const secondRun = runIdOf(second.stdout)!;
    const secondChanges = await stored(secondRun);
    expect(secondChanges.some((c) => c.startsWith('shrunk ') || c.startsWith('dissolved ')), JSON.stringify(secondChanges)).toBe(true);
    expect(printed(second.stdout)).toEqual(secondChanges);

    // The same again: nothing changed, and the CLI says so.
    const third = await detect(['--until', '2024-06-30']);
    expect(third.code, third.stderr).toBe(0);
    expect(await stored(runIdOf(third.stdout)!)).toEqual([]);
    expect(printed(third.stdout)).toEqual([]);
    expect(third.stdout).toMatch(/no ring changed since the previous run/);
  }, 600_000);
});
