import type { ReportModel } from './model.ts';

/** The JSON report is the model itself (formatVersion 1), for machines: dashboards, the webhook receiver. */
export function renderJson(m: ReportModel): Buffer {
  return Buffer.from(JSON.stringify(m, null, 2) + '\n', 'utf8');
}
