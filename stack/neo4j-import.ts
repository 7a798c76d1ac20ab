import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { logger } from '../config/logger.ts';
import { tail } from './files.ts';
import { ensureDistribution } from './neo4j-distribution.ts';
import { instanceDir, runningInstance } from './neo4j-local.ts';

export interface ImporterInput {
  kind: 'nodes' | 'relationships';
  /** Label or relationship type. */
  name: string;
  /** Files read as one: the first one's first line is the header. */
  files: string[];
}

export interface Neo4jImportOptions {
  cacheDir: string;
  versionRange: string;
  /** Local instance whose `neo4j` database is replaced; it must be stopped. */
  name: string;
  inputs: ImporterInput[];
  /** JVM heap of the importer. */
  heap: string;
  /** The importer's off-heap budget (its caches and id maps); it takes 90% of RAM when not told. */
  offHeap: string;
  threads: number;
  /** Some value spans lines: the importer must parse quoted line breaks (slower). */
  multiline: boolean;
  /** Folder for the importer's report and console output. */
  workDir: string;
}

/**
 * `neo4j-admin database import full` with our distribution's jars (the Maven-resolved server has no
 * launcher scripts; AdminTool is what neo4j-admin runs). The store is written directly, so the server
 * must be down; --overwrite-destination replaces the (empty) database the server created. Any bad
 * entry aborts the import (--bad-tolerance=0): the caller promises duplicate-free, complete input.
 */
export async function runNeo4jImport(opts: Neo4jImportOptions): Promise<{ seconds: number; log: string; report: string }> {
  if (runningInstance(opts)) throw new Error(`Neo4j instance "${opts.name}" is running; the importer writes its store and needs it stopped`);
  const dist = await ensureDistribution(opts.cacheDir, opts.versionRange);
  const home = instanceDir(opts);
  const log = path.join(opts.workDir, 'import.log');
  const report = path.join(opts.workDir, 'import.report');
  const args = [
    `-Xms${opts.heap}`,
    `-Xmx${opts.heap}`,
    '-XX:+UseG1GC',
    '-cp',
    path.join(dist.libDir, '*'),
    'org.neo4j.cli.AdminTool',
    'database',
    'import',
    'full',
    'neo4j',
    '--overwrite-destination=true',
    `--threads=${opts.threads}`,
    `--max-off-heap-memory=${opts.offHeap}`,
    '--bad-tolerance=0',
    `--report-file=${report}`,
    ...(opts.multiline ? ['--multiline-fields=true'] : []),
    ...opts.inputs.map((i) => `--${i.kind}=${i.name}=${i.files.join(',')}`),
  ];
  const started = Date.now();
  const out = openSync(log, 'w');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('java', args, {
      env: { ...process.env, NEO4J_HOME: home, NEO4J_CONF: path.join(home, 'conf') },
      stdio: ['ignore', out, out],
    });
    child.once('error', (e) => reject(new Error(`cannot run java for neo4j-admin import: ${e.message}`)));
    child.once('exit', resolve);
  }).finally(() => closeSync(out));
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) {
    let bad = '';
    try {
      bad = readFileSync(report, 'utf8').split('\n').slice(0, 10).join('\n');
    } catch {
      /* no report: the importer failed before reading input */
    }
    throw new Error(`neo4j-admin database import exited with ${code} after ${seconds.toFixed(1)} s; last lines of ${log}:\n${tail(log, 25)}${bad ? `\nfirst bad entries (${report}):\n${bad}` : ''}`);
  }
  // The importer's own account: what it imported and its peak memory.
  const lines = readFileSync(log, 'utf8').split('\n');
  const done = lines.findIndex((l) => l.startsWith('IMPORT DONE'));
  const account = done < 0 ? '' : lines.slice(done, done + 8).filter((l) => l.trim()).map((l) => l.trim()).join('; ');
  logger().info({ seconds, threads: opts.threads, heap: opts.heap, offHeap: opts.offHeap, report: account }, 'neo4j-admin import finished');
  return { seconds, log, report: account };
}
