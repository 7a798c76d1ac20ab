import { readFileSync } from 'node:fs';
import os from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { keyDirFor } from '../../exports/build-package.ts';
import { EXPORTER_ROLES, type ExporterRole } from '../../exports/masking.ts';
import { loadOrCreateSigningKey, readPublicKeyFile } from '../../exports/package/keys.ts';
import { verifyPackage } from '../../exports/package/verify.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { runExport, type ExportJobPayload, type ExportJobProgress, type ExportJobResult } from '../../jobs/export-job.ts';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import { openServices } from '../../runtime/services.ts';
import { locateNeo4j, locateStack } from '../../stack/stack.ts';

function parseRole(value: string): ExporterRole {
  if (!(EXPORTER_ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`"${value}" is not a role (${EXPORTER_ROLES.join(', ')})`);
  return value as ExporterRole;
}

function parseLang(value: string): 'zh' | 'en' {
  if (value !== 'zh' && value !== 'en') throw new InvalidArgumentError(`"${value}" is not a report language (zh or en)`);
  return value;
}

interface ExportOpts {
  case?: string;
  ring?: string;
  out: string;
  user: string;
  role: ExporterRole;
  lang: 'zh' | 'en';
  queue?: boolean;
  instance: string;
}

const describe = (r: ExportJobResult) =>
  `${r.caseNumber}: ${r.entities} entities, ${r.claims} claims → ${r.path} (${(r.bytes / 1024).toFixed(0)} KiB, sha256 ${r.sha256.slice(0, 16)}…), personal data ${r.masking.level} (${r.masking.reason}), ${(r.timings.total! / 1000).toFixed(1)} s; signed with key ${r.keyFingerprint.slice(0, 16)}…`;

export function registerExportCommands(program: Command): void {
  program
    .command('export')
    .description('build the signed case export package (report PDF, evidence workbook, graph files, case.json, manifest) for a case or a ring')
    .option('--case <caseId>', 'the case to export')
    .option('--ring <ringId>', 'a ring without a case (the package is marked NOCASE and masked)')
    .requiredOption('--out <file>', 'where to write the ZIP')
    .option('--user <name>', 'who exports (recorded in the manifest and the audit trail)', os.userInfo().username)
    .option('--role <role>', `the exporter's role: ${EXPORTER_ROLES.join(', ')}; full ID numbers only for a referred case and liaison/supervisor`, parseRole, 'investigator')
    .option('--lang <lang>', 'report language: zh or en', parseLang, 'zh')
    .option('--queue', 'enqueue on the export queue for a `ringlens worker` and follow its progress (--out is then a path on the worker\'s disk)')
    .option('--instance <name>', 'local instance to use when NEO4J_URI is not set', 'default')
    .action(async (o: ExportOpts) => {
      if (Boolean(o.case) === Boolean(o.ring)) throw new InvalidArgumentError('give exactly one of --case ID or --ring ID');
      const payload: ExportJobPayload = { ...(o.case ? { caseId: o.case } : { ringId: o.ring! }), exporter: { user: o.user, role: o.role }, lang: o.lang, out: o.out };
      if (o.queue) return exportOnQueue(payload, o.instance);
      const env = loadEnv();
      const driver = createDriver(locateNeo4j(env, o.instance));
      try {
        await migrate(driver);
        let last = -1;
        const r = await runExport(payload, {
          driver,
          env,
          onProgress: (p) => {
            if (p.percent - last < 10 && p.percent !== 100) return;
            last = p.percent;
            process.stderr.write(`export ${p.percent}% ${p.stage}: ${p.message}\n`);
          },
        });
        console.log(describe(r));
      } finally {
        await driver.close();
      }
    });

  program
    .command('verify-export')
    .description('check an export package: every file against the SHA-256 in its manifest, and the Ed25519 signature')
    .argument('<file>', 'the package ZIP')
    .option('--public-key <pem>', "the bureau's public key (PEM) to pin; without it the key inside the package is only checked for consistency")
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { publicKey?: string; json?: boolean }) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw new Error(`cannot read ${file}: ${(err as Error).message}`);
      }
      const publicKey = o.publicKey ? readPublicKeyFile(o.publicKey) : undefined;
      const r = await verifyPackage(bytes, publicKey ? { publicKey } : {});
      if (o.json) {
        console.log(JSON.stringify({ ok: r.ok, problems: r.problems, signedBy: r.signedBy, keyPinned: r.keyPinned, filesChecked: r.filesChecked, caseNumber: r.manifest?.caseNumber ?? null }, null, 2));
      } else if (r.ok) {
        const mf = r.manifest!;
        console.log(`OK: ${file} — ${r.filesChecked} files match their SHA-256; signature valid (key ${r.signedBy})`);
        console.log(`case ${mf.caseNumber}, ring ${mf.ringId}; exported ${mf.exportedAt} by ${mf.exportedBy.user} (${mf.exportedBy.role}); personal data ${mf.masking.level} (${mf.masking.reason})`);
        if (!r.keyPinned) console.log('note: no --public-key given: this shows the package is intact and self-consistent, not that the bureau signed it; pin the bureau key to check that');
      } else {
        console.error(`FAILED: ${file}`);
        for (const p of r.problems) console.error(`  ${p.file}: ${p.problem}`);
      }
      if (!r.ok) process.exitCode = 2;
    });

  program
    .command('export-key')
    .description("print the bureau's export-signing public key (PEM) and its fingerprint; creates the key pair on first use")
    .action(() => {
      const key = loadOrCreateSigningKey(keyDirFor(loadEnv()));
      process.stdout.write(key.publicKeyPem);
      console.error(`fingerprint (SHA-256 of the public key): ${key.fingerprint}${key.generated ? ' — new key pair generated' : ''}; key directory ${key.dir}`);
    });
}

async function exportOnQueue(payload: ExportJobPayload, instance: string): Promise<void> {
  const env = loadEnv();
  const services = openServices(locateStack(env, instance), env.RINGLENS_QUEUE_PREFIX);
  const eventsConnection = services.redis.duplicate();
  const events = createQueueEvents(QUEUES.export, eventsConnection, services.prefix);
  try {
    await events.waitUntilReady();
    const job = await services.queues.export.add('export', payload, { attempts: 1 });
    process.stderr.write(`export job ${job.id} queued; waiting for a worker\n`);
    events.on('progress', ({ jobId, data }) => {
      if (jobId !== job.id) return;
      const p = data as ExportJobProgress;
      process.stderr.write(`export ${p.percent}% ${p.stage}: ${p.message}\n`);
    });
    console.log(describe((await job.waitUntilFinished(events)) as ExportJobResult));
  } finally {
    await events.close();
    eventsConnection.disconnect();
    await services.close();
  }
}
