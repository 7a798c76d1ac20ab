import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import type { Env } from '../config/env.ts';
import { auditTrailSink, type ExportAuditSink } from '../exports/audit-hook.ts';
import { buildCasePackage, exportDirFor, keyDirFor, type ExportProgress } from '../exports/build-package.ts';
import { EXPORTER_ROLES } from '../exports/masking.ts';
import { sha256 } from '../exports/package/manifest.ts';
import { BundleNotFound, loadCaseBundle } from '../graph/exports/load-case-bundle.ts';
import { FontMissingError } from '../exports/pdf/fonts.ts';

/**
 * A case export as a BullMQ job (queue `export`): load the case bundle from Neo4j, build and sign the
 * package, write it to the export directory (or `out`), audit it. The API enqueues it for
 * POST /cases/:id/exports and serves `path` for the download; the CLI runs the same function inline.
 */

export const ExportJobPayload = z
  .object({
    caseId: z.string().min(1).optional(),
    ringId: z.string().min(1).optional(),
    exporter: z.object({ user: z.string().min(1), role: z.enum(EXPORTER_ROLES) }),
    lang: z.enum(['zh', 'en']).default('zh'),
    /** where to write the ZIP on the worker's disk; default <export dir>/<exportId>.zip */
    out: z.string().min(1).optional(),
    exportId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional(),
    /** request context for the audit event (set by the API) */
    request: z.object({ ip: z.string().nullable(), userAgent: z.string().nullable(), method: z.string().nullable(), path: z.string().nullable() }).optional(),
  })
  .refine((p) => Boolean(p.caseId) !== Boolean(p.ringId), { message: 'give exactly one of caseId or ringId' });
export type ExportJobPayload = z.input<typeof ExportJobPayload>;

export type ExportJobProgress = ExportProgress | { stage: 'load' | 'write'; percent: number; message: string };

/** Small: it lives in Redis. The package itself is a file at `path`. */
export interface ExportJobResult {
  exportId: string;
  path: string;
  bytes: number;
  sha256: string;
  caseNumber: string;
  ringId: string;
  masking: { level: string; reason: string };
  claims: number;
  entities: number;
  timings: Record<string, number>;
  keyFingerprint: string;
}

export interface ExportDeps {
  driver: Driver;
  env: Env;
  /** where the audit event goes; default the audit trail in Neo4j */
  audit?: ExportAuditSink;
  onProgress?: (p: ExportJobProgress) => void;
}

export function parseExportPayload(data: unknown, what = 'export'): z.output<typeof ExportJobPayload> {
  const parsed = ExportJobPayload.safeParse(data);
  if (!parsed.success) throw new Error(`${what}: invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export async function runExport(payload: ExportJobPayload, deps: ExportDeps): Promise<ExportJobResult> {
  const p = parseExportPayload(payload);
  const audit = deps.audit ?? auditTrailSink(deps.driver);
  const progress = deps.onProgress ?? (() => {});
  const exportId = p.exportId ?? randomUUID();
  const target = p.caseId ? `case:${p.caseId}` : `ring:${p.ringId}`;
  const out = path.resolve(p.out ?? path.join(exportDirFor(deps.env), `${exportId}.zip`));
  const started = performance.now();
  const request = p.request ?? { ip: null, userAgent: null, method: null, path: null };
  try {
    progress({ stage: 'load', percent: 2, message: `loading ${target} from Neo4j` });
    const bundle = await loadCaseBundle(deps.driver, p.caseId ? { caseId: p.caseId } : { ringId: p.ringId! });
    const loadMs = Math.round(performance.now() - started);
    progress({ stage: 'load', percent: 15, message: `${bundle.entities.length} entities, ${bundle.claims.length} claims, ${bundle.lines.length} item lines` });
    const built = await buildCasePackage(bundle, {
      exporter: p.exporter,
      lang: p.lang,
      bureau: deps.env.RINGLENS_BUREAU_NAME,
      keyDir: keyDirFor(deps.env),
      exportId,
      onProgress: (x) => progress({ ...x, percent: x.stage === 'done' ? 97 : 15 + Math.round(x.percent * 0.8) }),
    });
    // Written beside its final name and renamed, so a download never sees half a package.
    mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.partial`;
    writeFileSync(tmp, built.zip);
    renameSync(tmp, out);
    const digest = sha256(built.zip);
    const result: ExportJobResult = {
      exportId,
      path: out,
      bytes: built.zip.length,
      sha256: digest,
      caseNumber: built.manifest.caseNumber,
      ringId: bundle.ring.ringId,
      masking: { level: built.masking.level, reason: built.masking.reason },
      claims: bundle.claims.length,
      entities: bundle.entities.length,
      timings: { load: loadMs, ...built.timings, total: Math.round(performance.now() - started) },
      keyFingerprint: built.manifest.signing.fingerprint,
    };
    await audit({
      actor: p.exporter.user,
      role: p.exporter.role,
      action: 'export',
      target,
      subjects: bundle.entities.filter((e) => e.type === 'person').map((e) => e.key),
      outcome: 'success',
      ...request,
      details: { exportId, caseNumber: result.caseNumber, ringId: result.ringId, masking: { level: built.masking.level, reason: built.masking.reason, caseStatus: built.masking.caseStatus, exporterRole: built.masking.exporterRole }, sha256: digest, bytes: result.bytes, file: out },
    });
    // Progress is shown to the API caller: the worker's file system stays out of it (the CLI prints result.path).
    progress({ stage: 'write', percent: 100, message: `package written: ${result.bytes} bytes, ${result.claims} claims, ${result.entities} entities` });
    return result;
  } catch (err) {
    await audit({
      actor: p.exporter.user,
      role: p.exporter.role,
      action: 'export',
      target,
      subjects: [],
      outcome: 'failure',
      ...request,
      details: { exportId, caseNumber: null, ringId: p.ringId ?? null, masking: null, sha256: null, bytes: null, file: null, error: (err as Error).message },
    }).catch(() => {});
    throw err;
  }
}

export async function processExportJob(job: Job, driver: Driver, env: Env, audit?: ExportAuditSink): Promise<ExportJobResult> {
  // What retrying cannot fix fails at once (and is audited once): a bad payload, a case or ring that
  // does not exist, a machine without the CJK font. Everything else (Neo4j away) is retried.
  let payload: z.output<typeof ExportJobPayload>;
  try {
    payload = parseExportPayload(job.data, `export job ${job.id}`);
  } catch (err) {
    throw new UnrecoverableError((err as Error).message);
  }
  let last = -1;
  try {
    return await runExport({ ...payload, exportId: payload.exportId ?? `job-${job.id}` }, {
      driver,
      env,
      ...(audit ? { audit } : {}),
      onProgress: (p) => {
        if (p.percent === last) return;
        last = p.percent;
        void job.updateProgress(p);
      },
    });
  } catch (err) {
    if (err instanceof BundleNotFound || err instanceof FontMissingError) throw new UnrecoverableError(err.message);
    throw err;
  }
}
