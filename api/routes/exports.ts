import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Job, JobState } from 'bullmq';
import type { Role } from '../../access/roles.ts';
import { getCase } from '../../graph/cases/cases.ts';
import type { ExportJobPayload, ExportJobResult } from '../../jobs/export-job.ts';
import type { ApiDeps } from '../deps.ts';
import { conflict, notFound } from '../problem.ts';
import { readJobWithState, redisCall } from '../redis-call.ts';
import { auditFields, defineRoute, FileResult, type AnyRoute, type User } from '../route.ts';
import { CaseParams } from '../schemas/cases.ts';
import { ExportParams, ExportRefSchema, ExportRequest, ExportStatusSchema } from '../schemas/exports.ts';
import { visibleTo } from './cases.ts';

/**
 * Case export packages over HTTP: POST queues the export job (the worker builds, signs and writes the
 * ZIP and audits it), GET follows it, GET …/download streams the ZIP. A package is masked for the
 * person who asked for it (a liaison's package of a referred case carries full ID numbers), so only
 * that person can see or download it: for anyone else it does not exist (404).
 *
 * The ZIP lives on the worker's disk (RINGLENS_EXPORT_DIR): with workers on other machines that
 * folder must be shared storage mounted at the same path.
 */

/** Who may export: the case handlers and the liaison; admins run the system, they do not read cases. */
const EXPORT_ROLES: readonly Role[] = ['investigator', 'supervisor', 'liaison'];

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
const urls = (id: string) => ({ statusUrl: `/api/v1/exports/${id}`, downloadUrl: `/api/v1/exports/${id}/download` });

/** The export job if it exists and was asked for by this user; otherwise 404 (never reveal others' exports). */
async function ownExport(deps: ApiDeps, exportId: string, user: User): Promise<{ job: Job; state: JobState | 'unknown' }> {
  const found = await readJobWithState(deps, deps.services.queues.export, exportId, 'read an export');
  const data = found?.job.data as ExportJobPayload | undefined;
  if (!found || data?.exporter?.user !== user.username) {
    throw notFound(`no export ${exportId} of yours (exports are kept 7 days after they complete; start a new one from the case)`);
  }
  return found;
}

export function exportRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/exports',
      operationId: 'exportCase',
      tag: 'exports',
      summary: 'Build the case export package (PDF report, evidence workbook, graph files, case.json, signed manifest) as a job',
      description:
        'Masking follows the case status and your role: full identifiers only for a referred case exported by a liaison or supervisor; ' +
        'the decision is written into the manifest and the audit trail. Follow the job at statusUrl, then GET downloadUrl.',
      roles: EXPORT_ROLES,
      params: CaseParams,
      body: ExportRequest,
      response: { status: 202, schema: ExportRefSchema, description: 'the export job, queued' },
      problems: [404],
      audit: ['export-request'],
      async handler({ params, body, deps, user, req, audit }) {
        const c = await getCase(deps.services.driver, params.caseId);
        if (!c || !visibleTo(user.role, c.status)) throw notFound(`no case ${params.caseId}`);
        const exportId = randomUUID();
        const payload: ExportJobPayload = {
          caseId: c.caseId,
          exporter: { user: user.username, role: user.role },
          lang: body.lang,
          exportId,
          request: auditFields(req),
        };
        // jobId = exportId: a retried request cannot make two jobs for one export, and the download finds its job.
        await redisCall(deps, 'queue an export', () => deps.services.queues.export.add('export', payload, { jobId: exportId }));
        await audit({ action: 'export-request', target: `case:${c.caseId}`, details: { exportId, lang: body.lang, caseStatus: c.status } });
        return { exportId, queue: 'export' as const, jobId: exportId, ...urls(exportId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/exports/:exportId',
      operationId: 'getExport',
      tag: 'exports',
      summary: 'State and progress of one of your exports; what the package holds once completed',
      roles: EXPORT_ROLES,
      params: ExportParams,
      response: { status: 200, schema: ExportStatusSchema, description: 'the export' },
      problems: [404],
      async handler({ params, deps, user }) {
        const { job, state } = await ownExport(deps, params.exportId, user);
        const data = job.data as ExportJobPayload;
        const r = (job.returnvalue ?? null) as ExportJobResult | null;
        return {
          exportId: params.exportId,
          caseId: data.caseId ?? null,
          lang: data.lang ?? 'zh',
          state,
          progress: job.progress ?? null,
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason ?? null,
          createdAt: iso(job.timestamp),
          finishedAt: iso(job.finishedOn),
          // the worker's file path stays out of the answer
          result:
            state === 'completed' && r
              ? { bytes: r.bytes, sha256: r.sha256, caseNumber: r.caseNumber, ringId: r.ringId, masking: r.masking, claims: r.claims, entities: r.entities, keyFingerprint: r.keyFingerprint }
              : null,
          downloadUrl: state === 'completed' ? urls(params.exportId).downloadUrl : null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/exports/:exportId/download',
      operationId: 'downloadExport',
      tag: 'exports',
      summary: 'The export package (ZIP) of one of your completed exports',
      roles: EXPORT_ROLES,
      params: ExportParams,
      file: { contentTypes: ['application/zip'] },
      response: { status: 200, schema: FileResult, description: 'the ZIP package (verify it with `ringlens verify-export`)' },
      problems: [404, 409],
      audit: ['export-download'],
      async handler({ params, deps, user, audit }) {
        const { job, state } = await ownExport(deps, params.exportId, user);
        if (state !== 'completed') throw conflict(`export ${params.exportId} is ${state}, not completed${job.failedReason ? `: ${job.failedReason}` : ''}`);
        const r = job.returnvalue as ExportJobResult;
        if (!existsSync(r.path)) throw notFound(`the package of export ${params.exportId} is no longer on this server (start a new export)`);
        await audit({ action: 'export-download', target: `case:${(job.data as ExportJobPayload).caseId}`, details: { exportId: params.exportId, caseNumber: r.caseNumber, sha256: r.sha256, bytes: r.bytes, masking: r.masking } });
        return { path: r.path, filename: `${r.caseNumber}.zip` };
      },
    }),
  ];
}
