/**
 * Generator throughput: claims per second (median of several runs) and peak resident memory.
 * Usage: npx tsx bench/generate.ts [--claims N] [--runs R] [--profile classic|varied]   (npm run bench:generate)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../generator/generate.ts';
import { defaultHardNegativePlan, defaultScenarioPlan } from '../generator/plan.ts';
import { parseProfile } from '../generator/profile.ts';
import { parsePeriod } from '../generator/time.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const claims = arg('claims', 1_000_000);
const runs = arg('runs', 3);
const profileAt = process.argv.indexOf('--profile');
const profile = parseProfile(profileAt >= 0 ? (process.argv[profileAt + 1] ?? '') : 'classic');
const regions = 4;
const rates: number[] = [];
const streamRates: number[] = [];
const cpuRates: number[] = [];
// On a shared machine wall-clock rates say as much about the neighbours as about the generator: the CPU
// seconds (both threads) and the load average put them in context.
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
for (let run = 0; run < runs; run++) {
  const out = mkdtempSync(join(tmpdir(), 'ringlens-bench-'));
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  try {
    const summary = await generate({ claims, seed: 7 + run, out, regions, period: parsePeriod('2024-01-01..2024-12-31'), scenarios: defaultScenarioPlan(claims, profile), hardNegatives: defaultHardNegativePlan(claims, regions, profile), profile });
    streamRates.push(claims / summary.claimSeconds);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  rates.push(claims / seconds);
  cpuRates.push(claims / cpuSeconds);
  console.log(`run ${run + 1}: ${claims} claims in ${seconds.toFixed(2)} s = ${Math.round(claims / seconds)} claims/s overall, ${Math.round(streamRates[run]!)} claims/s streaming claims; ${cpuSeconds.toFixed(2)} CPU s (both threads); load ${loadavg()[0]!.toFixed(1)}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`generate --profile ${profile}, ${claims} claims, median of ${runs} runs:`);
console.log(`  overall (population, planting, every file): ${Math.round(median(rates))} claims/s`);
console.log(`  streaming claims.csv + claim_items.csv:     ${Math.round(median(streamRates))} claims/s`);
console.log(`  per CPU second (both threads):              ${Math.round(median(cpuRates))} claims/s`);
console.log(`  peak RSS (whole process): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
