import { InvalidArgumentError, Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { logger } from '../../config/logger.ts';
import { generate } from '../../generator/generate.ts';
import { LOOK_ALIKE_KINDS } from '../../generator/hard-negatives.ts';
import { defaultHardNegativePlan, defaultScenarioPlan, parseHardNegativePlan, parseScenarioPlan, PlanError } from '../../generator/plan.ts';
import { parseProfile, PROFILES, type Profile } from '../../generator/profile.ts';
import { REGION_SEEDS } from '../../generator/reference-data.ts';
import { parsePeriod } from '../../generator/time.ts';

const DEFAULT_PERIOD = '2024-01-01..2024-12-31';

function parseClaims(value: string): number {
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1000 || n > 100_000_000) throw new InvalidArgumentError(`--claims must be an integer from 1000 to 100000000, got "${value}"`);
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new InvalidArgumentError(`--seed must be an integer from 0 to 4294967295, got "${value}"`);
  return n;
}

function parseRegions(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > REGION_SEEDS.length) throw new InvalidArgumentError(`--regions must be an integer from 1 to ${REGION_SEEDS.length}, got "${value}"`);
  return n;
}

function asArgumentError<T>(option: string, parse: (v: string) => T): (v: string) => T {
  return (v) => {
    try {
      return parse(v);
    } catch (e) {
      throw new InvalidArgumentError(`${option}: ${(e as Error).message}`);
    }
  };
}

interface GenerateCliOptions {
  claims: number;
  seed: number;
  out: string;
  regions: number;
  period: ReturnType<typeof parsePeriod>;
  scenarios?: string;
  hardNegatives?: string;
  profile: Profile;
}

export function registerGenerateCommands(program: Command): void {
  program
    .command('generate')
    .description('write synthetic medical-insurance claims with planted fraud rings, hard negatives and ground-truth.json')
    .requiredOption('--claims <n>', 'number of settlements to write (1000..100000000)', parseClaims)
    .option('--seed <n>', 'random seed; the same seed and arguments give byte-identical files', parseSeed, 1)
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .option('--regions <n>', `number of pooling regions (1..${REGION_SEEDS.length})`, parseRegions, 4)
    .addOption(new Option('--period <from..to>', 'settlement period, ISO dates').argParser(asArgumentError('--period', parsePeriod)).default(parsePeriod(DEFAULT_PERIOD), DEFAULT_PERIOD))
    .option('--scenarios <spec>', 'rings to plant, e.g. "card-lending=5,kickback=3:size=3-60:strength=0.9:spread=60:overlap=0.2", or "none" (default: every family, count scaled to --claims)')
    .option('--hard-negatives <spec>', 'override hard-negative counts, e.g. "nursing-home=3,family-pharmacy=10", or "none"')
    .addOption(
      new Option('--profile <name>', `${PROFILES.join(' | ')}: "varied" plants each family as a mix of its classic form and realistic variants, and adds honest look-alikes (docs/generator.md)`)
        .argParser(asArgumentError('--profile', parseProfile))
        .default('classic'),
    )
    .action(async (o: GenerateCliOptions) => {
      let scenarios;
      let hardNegatives;
      try {
        scenarios = o.scenarios === undefined ? defaultScenarioPlan(o.claims, o.profile) : parseScenarioPlan(o.scenarios);
        if (o.profile === 'classic' && Object.values(scenarios).some((p) => p.variant !== undefined)) throw new PlanError('a variant needs --profile varied');
      } catch (e) {
        if (e instanceof PlanError) throw new InvalidArgumentError(`--scenarios: ${e.message}`);
        throw e;
      }
      try {
        const base = defaultHardNegativePlan(o.claims, o.regions, o.profile);
        hardNegatives = o.hardNegatives === undefined ? base : parseHardNegativePlan(o.hardNegatives, base);
        const lookAlikes = LOOK_ALIKE_KINDS.filter((k) => hardNegatives![k] > 0);
        if (o.profile === 'classic' && lookAlikes.length > 0) throw new PlanError(`${lookAlikes.join(', ')} needs --profile varied`);
      } catch (e) {
        if (e instanceof PlanError) throw new InvalidArgumentError(`--hard-negatives: ${e.message}`);
        throw e;
      }
      const log = logger();
      const started = process.hrtime.bigint();
      let lastReport = 0;
      const summary = await generate({
        claims: o.claims,
        seed: o.seed,
        out: resolve(o.out),
        regions: o.regions,
        period: o.period,
        scenarios,
        hardNegatives,
        profile: o.profile,
        onProgress: (n) => {
          if (n - lastReport >= 1_000_000) {
            lastReport = n;
            log.info({ claims: n }, 'generating');
          }
        },
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(`wrote ${summary.claims} claims (${summary.claimItems} item lines, ${summary.plantedClaims} planted) to ${summary.out} in ${seconds.toFixed(1)} s: ${Math.round(summary.claims / seconds)} claims/s overall, ${Math.round(summary.claims / summary.claimSeconds)} claims/s while streaming claims`);
      console.log(`entities: ${Object.entries(summary.counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      console.log(`rings: ${Object.entries(summary.ringsByFamily).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`);
      if (summary.ringsByVariant) console.log(`profile varied, ring variants: ${Object.entries(summary.ringsByVariant).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`);
      console.log(`hard negatives: ${Object.entries(summary.hardNegativesByKind).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`);
    });
}
