import { z } from 'zod';
import type { Masker } from '../../access/masking.ts';
import { AUDIT_ACTIONS, queryAudit, type AuditEvent } from '../../graph/audit/audit.ts';
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

/** Request parameters and audit details that hold what someone typed to find a person, or an entity reference. */
const SEARCH_FIELDS = new Set(['q', 'subject']);
const REF_FIELDS = new Set(['target', 'to', 'from']);
/** Path segments after these name a person's or a card's natural key (/entities/person/:key). */
const KEYED_SEGMENTS = new Set(['person', 'card']);

function maskField(name: string, value: string, mask: Masker): string {
  if (SEARCH_FIELDS.has(name)) return mask.searchTerm(value);
  if (REF_FIELDS.has(name)) return mask.ref(value);
  return mask.text(value);
}

function maskPath(path: string, mask: Masker): string {
  const q = path.indexOf('?');
  const segments = (q < 0 ? path : path.slice(0, q)).split('/').map((seg, i, all) => {
    if (i === 0 || !KEYED_SEGMENTS.has(all[i - 1]!)) return seg;
    let key = seg;
    try {
      key = decodeURIComponent(seg);
    } catch {
      // not percent-encoded properly: mask it as it is
    }
    return encodeURIComponent(mask.key(all[i - 1]!, key));
  });
  if (q < 0) return mask.text(segments.join('/'));
  const params = new URLSearchParams(path.slice(q + 1));
  const masked = new URLSearchParams([...params].map(([k, v]): [string, string] => [k, maskField(k, v, mask)]));
  return mask.text(`${segments.join('/')}?${masked.toString()}`);
}

function maskDetails(value: unknown, mask: Masker, field = ''): unknown {
  if (typeof value === 'string') return maskField(field, value, mask);
  if (Array.isArray(value)) return value.map((v) => maskDetails(v, mask, field));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDetails(v, mask, k)]));
  return value;
}

/**
 * The audit trail as a role may see it: the events name the persons whose data was read (subjects,
 * targets, request paths, search terms), and an admin sees persons masked everywhere else.
 */
export function maskAuditEvent(e: AuditEvent, mask: Masker): AuditEvent {
  if (mask.level === 'full') return e;
  return {
    ...e,
    actor: mask.text(e.actor),
    target: e.target === null ? null : mask.ref(e.target),
    subjects: e.subjects.map((s) => mask.key('person', s)),
    path: e.path === null ? null : maskPath(e.path, mask),
    details: maskDetails(e.details, mask) as Record<string, unknown>,
  };
}

export function auditRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      operationId: 'listAuditEvents',
      tag: 'audit',
      summary: 'Query the audit trail, newest first (admins only; persons masked as in every other read; reading it is itself audited)',
      roles: ['admin'],
      query: AuditQuery,
      response: { status: 200, schema: Page(AuditEventSchema), description: 'events' },
      audit: ['audit-read'],
      async handler({ query, deps, audit, mask }) {
        const after = decodeCursor(query.cursor, z.tuple([z.string(), z.string()]));
        const items = await queryAudit(deps.services.driver, { ...query, after: after ? { at: after[0], eventId: after[1] } : undefined, limit: query.limit });
        await audit({ action: 'audit-read', target: 'audit', details: { filters: { ...query, cursor: undefined } } });
        const last = items.at(-1);
        return { items: items.map((e) => maskAuditEvent(e, mask)), nextCursor: items.length === query.limit && last ? encodeCursor([last.at, last.eventId]) : null };
      },
    }),
  ];
}
