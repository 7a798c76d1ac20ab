import { InvalidArgumentError, type Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { createDriver } from '../../graph/driver.ts';
import { mappingForIngest } from '../../ingest/mapping-source.ts';
import { planFiles } from '../../ingest/plan.ts';
import { migrate } from '../../graph/migrate.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { formatSummary } from '../../ingest/summary-text.ts';
import type { Encoding, FileFormat } from '../../ingest/read/open-records.ts';
import { runBulkIngest } from '../../ingest/bulk/bulk-ingest.ts';
import { formatBulkResult } from '../../ingest/bulk/summary-text.ts';
import { locateNeo4j } from '../../stack/stack.ts';
import { parsePositiveInt, parseRate } from '../options.ts';
import { DEFAULT_MAX_REJECT_RATE } from '../../ingest/validate/file-rows.ts';
import { bulkProgressReporter, ingestProgressReporter } from '../progress.ts';

const choice = <T extends string>(allowed: readonly T[]) => (v: string): T => {
  if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}`);
  return v as T;
};

export function registerIngestCommands(program: Command): void {
  program
    .command('ingest')
    .description('load settlement files (canonical format, or any layout with --mapping) into Neo4j; idempotent and resumable')
    .argument('<inputs...>', 'files or folders (a folder loads every canonical file in it, reference files first)')
    .option('--mapping <file>', 'JSON/YAML mapping of a foreign layout onto the canonical columns')
    .option('--encoding <encoding>', 'auto | utf8 | gbk | gb18030 (default: auto — detects UTF-8 with or without BOM and GB18030/GBK)', choice(['auto', 'utf8', 'gbk', 'gb18030'] as const))
    .option('--format <format>', 'csv | tsv | jsonl (default: from the file extension)', choice(['csv', 'tsv', 'jsonl'] as const))
    .option('--batch-size <n>', 'rows per write transaction', parsePositiveInt, 2_000)
    .option('--rejects <dir>', 'where rejected rows are written', 'ingest-rejects')
    .option('--max-reject-rate <share>', 'fail a file when more than this share of its rows is rejected (identical duplicates aside)', parseRate, DEFAULT_MAX_REJECT_RATE)
    .option('--force', 'write files again even if a checkpoint says they were loaded', false)
    .option('--instance <name>', 'local instance to use when NEO4J_URI is not set', 'default')
    .option('--bulk', 'first load of an EMPTY local instance through neo4j-admin import (stops and restarts the server; docs/bulk-import.md)', false)
    .option('--import-threads <n>', 'with --bulk: importer threads (default: all cores)', parsePositiveInt)
    .action(async (inputs: string[], o: { mapping?: string; encoding?: Encoding; format?: FileFormat; batchSize: number; rejects: string; force: boolean; instance: string; bulk: boolean; importThreads?: number; maxRejectRate: number }) => {
      // Bad inputs and mapping files are reported before anything connects or is written.
      const mapping = o.mapping ? await mappingForIngest(o.mapping) : undefined;
      planFiles(inputs, mapping?.ingest.target);
      const source = {
        ...(o.encoding ?? mapping?.encoding ? { encoding: (o.encoding ?? mapping?.encoding)! } : {}),
        ...(o.format ?? mapping?.format ? { format: (o.format ?? mapping?.format)! } : {}),
        ...(mapping?.delimiter ? { delimiter: mapping.delimiter } : {}),
        ...(mapping?.columns ? { columns: mapping.columns } : {}),
      };
      const env = loadEnv();
      if (o.bulk) {
        if (env.NEO4J_URI) throw new Error('--bulk writes the store of a local instance (ringlens neo4j start); NEO4J_URI names another server: load it with the transactional ingest (without --bulk)');
        if (o.force) throw new Error('--force has no meaning with --bulk: a bulk load always writes every file into an empty database');
        const progress = bulkProgressReporter();
        const result = await runBulkIngest({
          inputs,
          rejectsDir: o.rejects,
          maxRejectRate: o.maxRejectRate,
          instance: { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: o.instance, heap: env.NEO4J_HEAP, pageCache: env.NEO4J_PAGECACHE },
          onProgress: progress.report,
          ...source,
          ...(mapping && o.mapping ? { mapping: { file: o.mapping, target: mapping.ingest.target, fingerprint: mapping.ingest.fingerprint } } : {}),
          ...(o.importThreads ? { importThreads: o.importThreads } : {}),
        });
        console.log(formatBulkResult(result));
        return;
      }
      const driver = createDriver(locateNeo4j(env, o.instance));
      const progress = ingestProgressReporter();
      try {
        // Without the key constraints every MERGE scans its label: a load would crawl at tens of rows/s.
        await migrate(driver);
        const summary = await runIngest(driver, {
          inputs,
          rejectsDir: o.rejects,
          maxRejectRate: o.maxRejectRate,
          batchSize: o.batchSize,
          force: o.force,
          onProgress: progress.report,
          ...source,
          ...(mapping ? { mapping: mapping.ingest } : {}),
        });
        progress.stop();
        console.log(formatSummary(summary));
      } finally {
        progress.stop();
        await driver.close();
      }
    });
}
