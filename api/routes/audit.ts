import { z } from 'zod';
import { AUDIT_ACTIONS, queryAudit } from '../../graph/audit/audit.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import { Cursor, decodeCursor, encodeCursor, IsoDateTime, Limit, Page } from '../schemas/common.ts';

export const AuditEventSchema = z
  .object({
    eventId: z.string(),
    at: z.string(),
    actor: z.string(),
    role: z.string().nullable(),
    action: z.enum(AUDIT_ACTIONS),
    target: z.string().nullable(),
    subjects: z.array(z.string()).meta({ description: 'natural keys of the persons whose data was shown' }),
    subjectsTruncated: z.boolean(),
    outcome: z.enum(['success', 'failure']),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    method: z.string().nullable(),
    path: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

const AuditQuery = z.object({
  actor: z.string().min(1).max(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  target: z.string().min(1).max(200).optional(),
  subject: z.string().min(1).max(64).optional().meta({ description: "a person's ID number: who looked at this person" }),
  since: IsoDateTime.optional(),
  until: IsoDateTime.optional(),
  limit: Limit(100, 1000),
  cursor: Cursor.optional(),
});

export function auditRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      operationId: 'listAuditEvents',
      tag: 'audit',
      summary: 'Query the audit trail, newest first (admins only; reading it is itself audited)',
      roles: ['admin'],
      query: AuditQuery,
      response: { status: 200, schema: Page(AuditEventSchema), description: 'events' },
      audit: ['audit-read'],
      async handler({ query, deps, audit }) {
        const after = decodeCursor(query.cursor, z.tuple([z.string(), z.string()]));
        const items = await queryAudit(deps.services.driver, { ...query, after: after ? { at: after[0], eventId: after[1] } : undefined, limit: query.limit });
        await audit({ action: 'audit-read', target: 'audit', details: { filters: { ...query, cursor: undefined } } });
        const last = items.at(-1);
        return { items, nextCursor: items.length === query.limit && last ? encodeCursor([last.at, last.eventId]) : null };
      },
    }),
  ];
}
