import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../cli/program.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringlens-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function quiet(cmd: Command): Command {
  cmd.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const c of cmd.commands) quiet(c);
  return cmd;
}

async function run(...args: string[]): Promise<void> {
  await quiet(await buildProgram()).parseAsync(['node', 'ringlens', ...args]);
}

describe('generate and score reject bad arguments with a message naming the argument', () => {
  const out = join(dir, 'out');
  it.each([
    [['--claims', '-5'], /--claims must be an integer/],
    [['--claims', 'lots'], /--claims must be an integer/],
    [['--claims', '5000', '--period', '2024-12-31..2024-01-01'], /--period: .*ends before it starts/],
    [['--claims', '5000', '--period', '2024-02-30..2024-03-01'], /--period: .*not a calendar date/],
    [['--claims', '5000', '--scenarios', 'card-lending=2,bribery=1'], /--scenarios: unknown scenario family "bribery"/],
    [['--claims', '5000', '--scenarios', 'kickback=2:size=1-4'], /--scenarios: kickback size must be an integer from 3 to 60/],
    [['--claims', '5000', '--scenarios', 'kickback=2:strength=2'], /--scenarios: kickback strength/],
    [['--claims', '5000', '--hard-negatives', 'hospital=1'], /--hard-negatives: unknown hard-negative kind/],
    [['--claims', '5000', '--regions', '0'], /--regions must be an integer/],
    [['--claims', '5000', '--seed', '1.5'], /--seed must be an integer/],
    [['--claims', '5000', '--profile', 'wild'], /--profile: unknown profile "wild" \(known: classic, varied\)/],
    [['--claims', '5000', '--hard-negatives', 'dialysis=1'], /--hard-negatives: dialysis needs --profile varied/],
    [['--claims', '5000', '--scenarios', 'card-farming=1:variant=slow-farm'], /--scenarios: a variant needs --profile varied/],
    [['--claims', '5000', '--profile', 'varied', '--scenarios', 'card-farming=1:variant=fast-farm'], /--scenarios: unknown card-farming variant "fast-farm" \(known: classic, slow-farm\)/],
  ])('generate %j', async (args, message) => {
    await expect(run('generate', '--out', out, ...args)).rejects.toThrow(message);
  });

  it('names --out when the directory cannot be created', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await expect(run('generate', '--claims', '5000', '--out', join(file, 'sub'))).rejects.toThrow(/--out: cannot create/);
  });

  it('refuses more planted claims than the dataset can hold', async () => {
    await expect(run('generate', '--claims', '1000', '--out', out, '--scenarios', 'over-treatment=20:size=60:strength=1:spread=365')).rejects.toThrow(/--scenarios: the planted rings need/);
  });

  it('names --truth and --rings when files are missing or malformed', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ runId: 'r', generatedAt: 'now', rings: [{ ringId: 'x', family: 'f', score: 'high', members: [] }] }));
    await expect(run('score', '--truth', join(dir, 'missing.json'), '--rings', bad)).rejects.toThrow(/--truth: cannot read/);
    const truth = join(dir, 'truth.json');
    writeFileSync(truth, JSON.stringify({ formatVersion: 1, generator: { seed: 1, claims: 1, regions: 1, period: { start: 'a', end: 'b' }, scenarios: {}, hardNegatives: {} }, rings: [], hardNegatives: [] }));
    await expect(run('score', '--truth', truth, '--rings', bad)).rejects.toThrow(/--rings: .* at rings\.0\.score/);
  });
});
