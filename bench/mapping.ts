/**
 * Throughput of a compiled foreign-layout mapping: vendor A claims (examples/mappings/vendor-a-claims.yaml)
 * over in-memory rows, so the figure is the mapping alone — decoding and CSV parsing are measured by the
 * ingest benchmarks. Target: ≥ 300k rows/s on one core.
 *
 *   npx tsx bench/mapping.ts [rows=200000] [runs=7]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { compileMapping } from '../ingest/mapping/apply.ts';
import { loadMapping } from '../ingest/mapping/load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rowCount = Number(process.argv[2] ?? 200_000);
const runs = Number(process.argv[3] ?? 7);

const mapping = await loadMapping(path.join(ROOT, 'examples/mappings/vendor-a-claims.yaml'));
const fixture = parseCsv(iconv.decode(await readFile(path.join(ROOT, 'test/fixtures/foreign/vendor-a-claims.txt')), 'gbk'), {
  delimiter: '|',
  columns: true,
}) as Record<string, string>[];

// Distinct ids and times per row, so nothing is served from a string cache a real export would not hit.
const rows = Array.from({ length: rowCount }, (_, i) => {
  const base = fixture[i % fixture.length]!;
  const second = String(i % 60).padStart(2, '0');
  const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
  return {
    ...base,
    JSLSH: String(300000000000 + i),
    JSSJ: `${base.JSSJ!.slice(0, 10)}${minute}${second}`,
    ZFY: String(Number(base.ZFY) + (i % 97)),
  };
});

const mapRow = compileMapping(mapping);
let failures = 0;
const rates: number[] = [];
for (let run = 0; run < runs + 1; run++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i++) if (!mapRow(rows[i]!).ok) failures++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run > 0) rates.push(rows.length / seconds); // run 0 warms the JIT
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)]!;
console.log(
  `mapping vendor-a-claims: ${Math.round(median).toLocaleString('en-US')} rows/s (median of ${runs} runs × ${rowCount.toLocaleString('en-US')} rows; ` +
    `min ${Math.round(rates[0]!).toLocaleString('en-US')}, max ${Math.round(rates.at(-1)!).toLocaleString('en-US')}; ${failures} failed rows)`,
);
if (failures > 0) process.exitCode = 1;
