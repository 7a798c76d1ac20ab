import { z } from 'zod';
import { badRequest } from '../problem.ts';

/**
 * Building blocks shared by the resource schemas. Every string parameter is bounded and, where it
 * names a key, restricted to the characters keys are made of: input is data, never query text.
 */

/** Natural keys (ID numbers, card numbers, codes, ring and case ids). */
export const Key = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, and . _ : - only');

/** neo4j elementIds as the graph payloads hand them out ("4:uuid:123"). */
export const NodeId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[0-9]+:[0-9a-f-]+:[0-9]+$/, 'a node id as returned in graph payloads')
  .meta({ description: 'a node id from a graph payload (nodes[].id)', example: '4:6d1f3c3e-6c0f-4a57-9a42-7a1f3f6c9b2e:123' });

export const Limit = (def: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(def).meta({ description: `page size (default ${def}, at most ${max})` });

export const IsoDate = z.iso.date().meta({ description: 'a date, YYYY-MM-DD' });
export const IsoDateTime = z.iso.datetime({ offset: true }).meta({ description: 'an ISO 8601 date-time with offset' });

export const Cursor = z
  .string()
  .max(500)
  .regex(/^[A-Za-z0-9_-]+$/, 'a cursor from a previous page')
  .meta({ description: 'opaque cursor from nextCursor of the previous page' });

/** Opaque cursors: base64url JSON of the sort key of the last item on the page. */
export function encodeCursor(value: unknown[]): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, shape: T): z.output<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw badRequest('invalid cursor', [{ path: 'query.cursor', message: 'not a cursor this list handed out', code: 'invalid_cursor' }]);
}

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'pass as cursor for the next page; null on the last page' }),
  });

/** Comma-separated or repeated query values → array. */
export const CsvList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item).max(20));

export const Money = z.number().meta({ description: 'yuan (元)' });
