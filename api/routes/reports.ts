import { z } from 'zod';
import { getReport, getReportFile, listDeliveries, listReports } from '../../graph/reports/store.ts';
import { notFound } from '../problem.ts';
import { defineRoute, FileResult, type AnyRoute } from '../route.ts';
import { Cursor, decodeCursor, encodeCursor, Limit, Page } from '../schemas/common.ts';
import { DeliverySchema, ReportId, ReportSchema } from '../schemas/reports.ts';

/**
 * Stored scheduled reports (the reports page of the workbench). Reports hold ring ids, regions,
 * institutions and doctors — no insured person's data — so every role that works with rings may
 * read them. Downloads of the stored files are audited like other reads.
 */

const REPORT_FORMATS = ['html', 'pdf', 'json'] as const;
const CONTENT_TYPES: Record<(typeof REPORT_FORMATS)[number], string> = { html: 'text/html; charset=utf-8', pdf: 'application/pdf', json: 'application/json; charset=utf-8' };

export const REPORT_READERS = ['investigator', 'supervisor', 'admin'] as const;

const withLinks = <T extends { reportId: string; formats: string[] }>(r: T) => ({
  ...r,
  links: Object.fromEntries(r.formats.map((f) => [f, `/api/v1/reports/${encodeURIComponent(r.reportId)}/${f}`])),
});

export function reportRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/reports',
      operationId: 'listReports',
      tag: 'reports',
      summary: 'Scheduled reports, newest first (optionally of one schedule)',
      roles: REPORT_READERS,
      query: z.object({ scheduleId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).optional(), limit: Limit(20, 200), cursor: Cursor.optional() }),
      response: { status: 200, schema: Page(ReportSchema), description: 'a page of reports' },
      async handler({ query, deps }) {
        const after = decodeCursor(query.cursor, z.tuple([z.string(), z.string()]));
        const items = await listReports(deps.services.driver, { scheduleId: query.scheduleId, after, limit: query.limit });
        const last = items.at(-1);
        return { items: items.map(withLinks), nextCursor: items.length === query.limit && last?.createdAt ? encodeCursor([last.createdAt, last.reportId]) : null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/:reportId',
      operationId: 'getReport',
      tag: 'reports',
      summary: 'One report: figures, files and the status of each delivery',
      roles: REPORT_READERS,
      params: z.object({ reportId: ReportId }),
      response: { status: 200, schema: ReportSchema.extend({ deliveries: z.array(DeliverySchema) }).meta({ id: 'ReportDetail' }), description: 'the report' },
      problems: [404],
      async handler({ params, deps }) {
        const r = await getReport(deps.services.driver, params.reportId);
        if (!r) throw notFound(`no report ${params.reportId}`);
        return { ...withLinks(r), deliveries: await listDeliveries(deps.services.driver, params.reportId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/:reportId/:format',
      operationId: 'downloadReport',
      tag: 'reports',
      summary: 'A stored report as HTML (opens in the browser), PDF or JSON (downloads)',
      roles: REPORT_READERS,
      params: z.object({ reportId: ReportId, format: z.enum(REPORT_FORMATS) }),
      file: { contentTypes: [CONTENT_TYPES.html, CONTENT_TYPES.pdf, CONTENT_TYPES.json] },
      response: { status: 200, schema: FileResult, description: 'the file' },
      problems: [404],
      audit: ['report-download'],
      async handler({ params, deps, audit }) {
        const file = await getReportFile(deps.services.driver, params.reportId, params.format);
        if (!file) throw notFound(`no ${params.format} file for report ${params.reportId}`);
        await audit({ action: 'report-download', target: `report:${params.reportId}`, details: { format: params.format } });
        return {
          bytes: file.bytes,
          filename: `${params.reportId}.${params.format}`,
          contentType: CONTENT_TYPES[params.format],
          inline: params.format === 'html',
          headers: {
            ETag: `"${file.sha256}"`,
            'Cache-Control': 'private, max-age=300',
            // The stored HTML carries inline CSS and SVG only: a sandboxing CSP keeps it inert in the API's origin.
            ...(params.format === 'html' ? { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox" } : {}),
          },
        };
      },
    }),
  ];
}
