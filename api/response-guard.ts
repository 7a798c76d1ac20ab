import type { z } from 'zod';
import { logger } from '../config/logger.ts';
import { Problem } from './problem.ts';

/** Fields that name an entity in a list element, in the order they are looked for. */
const ENTITY_KEYS = ['ringId', 'claimId', 'caseId', 'id', 'code', 'idNumber', 'cardNo'];

const entityOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const key = ENTITY_KEYS.find((k) => typeof record[k] === 'string' || typeof record[k] === 'number');
  return key ? `${key} ${String(record[key])}` : undefined;
};

const describeIssues = (issues: readonly z.core.$ZodIssue[]) => issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

export type GuardedResponse = { ok: true; data: unknown; withheld: number } | { ok: false; problem: Problem };

/**
 * Checks a response against its schema. A value the graph holds but the schema refuses (an amount of
 * Infinity stored before ingest checked amounts, say) must not turn a whole route into a 500:
 *
 * - when every problem sits inside elements of a top-level list, those elements are withheld, each is
 *   logged with the entity it describes, and the rest of the list is served;
 * - otherwise the route answers a 422 problem naming the entity (the route's path parameters) and the
 *   values at fault, and the failure is logged with them.
 */
export function guardResponse(schema: z.ZodType, result: unknown, route: { operationId: string; params: unknown }): GuardedResponse {
  const checked = schema.safeParse(result);
  if (checked.success) return { ok: true, data: checked.data, withheld: 0 };
  const issues = checked.error.issues;
  const body = result as Record<string, unknown> | null;
  const inListElements =
    typeof body === 'object' && body !== null && issues.every((i) => typeof i.path[0] === 'string' && typeof i.path[1] === 'number' && Array.isArray(body[i.path[0]]));
  if (inListElements) {
    const bad = new Map<string, Set<number>>();
    for (const i of issues) {
      const field = i.path[0] as string;
      if (!bad.has(field)) bad.set(field, new Set());
      bad.get(field)!.add(i.path[1] as number);
    }
    const trimmed: Record<string, unknown> = { ...body };
    for (const [field, indices] of bad) {
      const list = body[field] as unknown[];
      for (const index of indices) {
        const own = issues.filter((i) => i.path[0] === field && i.path[1] === index);
        logger().error(
          { route: route.operationId, params: route.params, field, index, entity: entityOf(list[index]), issues: own.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) },
          'stored entity does not match the response schema; withheld from the list',
        );
      }
      trimmed[field] = list.filter((_, k) => !indices.has(k));
    }
    const again = schema.safeParse(trimmed);
    if (again.success) return { ok: true, data: again.data, withheld: [...bad.values()].reduce((n, s) => n + s.size, 0) };
  }
  const entity = entityOf(body) ?? JSON.stringify(route.params ?? {});
  logger().error({ route: route.operationId, params: route.params, entity, issues: issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) }, 'stored entity does not match the response schema');
  return {
    ok: false,
    problem: new Problem(
      422,
      `${entity}: the graph holds a value this answer cannot carry (${describeIssues(issues)}); correct the source data and load it again. Other entities are not affected.`,
      { type: 'urn:ringlens:problem:invalid-stored-value' },
    ),
  };
}
