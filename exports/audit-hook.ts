import type { Driver } from 'neo4j-driver';
import { logger } from '../config/logger.ts';
import { appendAudit } from '../graph/audit/audit.ts';
import type { MaskingDecision } from './masking.ts';

/**
 * Every export is audited: who exported which case, when, with which masking, and the package's
 * hash. The event is an AuditEventInput of the audit trail (graph/audit/audit.ts, action 'export');
 * the export job appends it to Neo4j by default (auditTrailSink). Other sinks exist for tests and
 * benches; logExportAudit only logs.
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

/** The audit trail in Neo4j: one (:AuditEvent {action: 'export'}) per export attempt. */
export const auditTrailSink =
  (driver: Driver): ExportAuditSink =>
  async (event) => {
    await appendAudit(driver, event);
  };

/** A structured log line per export, for tools that run without the audit trail. */
export const logExportAudit: ExportAuditSink = async (event) => {
  logger().info({ audit: true, ...event, subjectCount: event.subjects.length, subjects: undefined }, `audit: export ${event.outcome} ${event.target} by ${event.actor}`);
};
