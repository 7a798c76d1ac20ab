import { logger } from '../config/logger.ts';
import type { MaskingDecision } from './masking.ts';

/**
 * Every export is audited: who exported which case, when, with which masking, and the package's
 * hash. The event has the shape of the audit trail of issue 6 (AuditEventInput of
 * graph/audit/audit.ts on branch api, action 'export'). That module is not on this branch yet, so
 * the default sink below writes the event to the structured log; once branch api is merged, the
 * export job's caller passes `(e) => appendAudit(driver, e)` as the sink (see jobs/export-job.ts,
 * EXPORT_AUDIT_HOOK) and the event lands in Neo4j as an (:AuditEvent).
 */
export interface ExportAuditEvent {
  actor: string;
  role: string;
  action: 'export';
  /** "case:C-…" or "ring:R-…" */
  target: string;
  /** ID numbers of the persons whose data the package carries (capped by the audit trail itself) */
  subjects: string[];
  outcome: 'success' | 'failure';
  ip: string | null;
  userAgent: string | null;
  method: string | null;
  path: string | null;
  details: {
    exportId: string;
    caseNumber: string | null;
    ringId: string | null;
    masking: Pick<MaskingDecision, 'level' | 'reason' | 'caseStatus' | 'exporterRole'> | null;
    sha256: string | null;
    bytes: number | null;
    file: string | null;
    error?: string;
  };
}

export type ExportAuditSink = (event: ExportAuditEvent) => Promise<void>;

/** Default sink until the audit trail of issue 6 is on main: one structured log line per export. */
export const logExportAudit: ExportAuditSink = async (event) => {
  logger().info({ audit: true, ...event, subjectCount: event.subjects.length, subjects: undefined }, `audit: export ${event.outcome} ${event.target} by ${event.actor}`);
};
