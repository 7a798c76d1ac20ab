import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { DetectedRingsSchema, GroundTruthSchema } from '../../evaluation/formats.ts';
import { formatReport, score } from '../../evaluation/score.ts';

async function readJson<T>(path: string, option: string, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${option}: cannot read "${path}": ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${option}: "${path}" is not JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${option}: "${path}" does not match the format at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function registerScoreCommands(program: Command): void {
  program
    .command('score')
    .description('score detected rings against generated ground truth: ring and member precision/recall, precision@k, hard negatives flagged')
    .requiredOption('--truth <file>', 'ground-truth.json written by ringlens generate')
    .requiredOption('--rings <file>', 'detected rings JSON (docs/detected-rings-format.md)')
    .option('--json', 'print the report as JSON instead of a table')
    .action(async (o: { truth: string; rings: string; json?: boolean }) => {
      const truth = await readJson(o.truth, '--truth', GroundTruthSchema);
      const rings = await readJson(o.rings, '--rings', DetectedRingsSchema);
      const report = score(truth, rings);
      console.log(o.json ? JSON.stringify(report, null, 2) : formatReport(report));
    });
}
