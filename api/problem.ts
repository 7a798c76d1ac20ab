import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import { logger } from '../config/logger.ts';

/**
 * Errors as problem+json (RFC 9457). Handlers throw `Problem`s; the error handler also translates
 * what libraries throw (zod, body-parser, neo4j-driver, Redis timeouts) so no raw error leaves.
 */
export const FieldError = z
  .object({
    path: z.string().meta({ description: 'where the problem is: "query.limit", "body.password"' }),
    message: z.string(),
    code: z.string().optional(),
  })
  .meta({ id: 'FieldError' });

export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: 'a URN naming the kind of problem, e.g. urn:ringlens:problem:validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(FieldError).optional().meta({ description: 'one entry per invalid field (400 only)' }),
    reason: z.string().optional().meta({ description: 'why a dependency is unavailable (503 only)' }),
    allowed: z.array(z.string()).optional().meta({ description: 'the statuses a case may move to (409 on an invalid transition)' }),
  })
  .meta({ id: 'Problem' });
export type ProblemBody = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, [string, string]> = {
  400: ['validation', 'Invalid request'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'Not allowed for your role'],
  404: ['not-found', 'Not found'],
  409: ['conflict', 'Conflict'],
  413: ['too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Cannot process the request'],
  429: ['rate-limited', 'Too many requests'],
  500: ['internal', 'Internal error'],
  503: ['unavailable', 'Service unavailable'],
};

export class Problem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly extra: Partial<ProblemBody> & { headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

export const badRequest = (detail: string, errors?: z.infer<typeof FieldError>[]) => new Problem(400, detail, errors ? { errors } : {});
export const notFound = (detail: string) => new Problem(404, detail);
export const forbidden = (detail: string) => new Problem(403, detail);
export const conflict = (detail: string, extra: Partial<ProblemBody> = {}) => new Problem(409, detail, extra);
export const unavailable = (reason: string) => new Problem(503, `RingLens cannot answer right now: ${reason}. Retry shortly.`, { reason, headers: { 'Retry-After': '5' } });

export function fromZod(where: 'params' | 'query' | 'body', error: z.ZodError): Problem {
  return badRequest(
    `invalid ${where === 'params' ? 'path parameters' : where}`,
    error.issues.flatMap((i): { path: string; message: string; code: string }[] =>
      // one error per unknown key, at its own path, like every other field error
      i.code === 'unrecognized_keys'
        ? i.keys.map((key) => ({ path: [where, ...i.path.map(String), key].join('.'), message: 'unknown parameter', code: i.code }))
        : [{ path: [where, ...i.path.map(String)].join('.'), message: i.message, code: i.code }],
    ),
  );
}

export function sendProblem(res: Response, status: number, detail: string, extra: Partial<ProblemBody> & { headers?: Record<string, string> } = {}): void {
  const [slug, title] = TITLES[status] ?? ['error', 'Error'];
  const { headers, ...rest } = extra;
  for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
  res.status(status).type('application/problem+json').send(JSON.stringify({ type: `urn:ringlens:problem:${slug}`, title, status, detail, instance: res.req.originalUrl, ...rest }));
}

/** neo4j-driver's codes for "the server is not there" (as opposed to a bad query). */
const NEO4J_DOWN = new Set(['ServiceUnavailable', 'SessionExpired', 'Neo.TransientError.General.DatabaseUnavailable']);

export function dependencyDown(err: unknown): string | null {
  const e = err as { code?: string; name?: string; message?: string };
  if (e?.code && NEO4J_DOWN.has(e.code)) return 'Neo4j is unavailable';
  if (e?.name === 'Neo4jError' && /connection acquisition timed out|Failed to connect|ECONNREFUSED/i.test(e.message ?? '')) return 'Neo4j is unavailable';
  if (err instanceof RedisUnavailable) return 'Redis is unavailable';
  return null;
}

export class RedisUnavailable extends Error {
  override name = 'RedisUnavailable';
}

export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  if (err instanceof Problem) {
    sendProblem(res, err.status, err.message, err.extra);
    return;
  }
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  // body-parser's errors carry a status and a type
  if (e?.type === 'entity.too.large') return sendProblem(res, 413, `request body larger than the limit`);
  if (e?.type === 'entity.parse.failed') return sendProblem(res, 400, `request body is not valid JSON`);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return sendProblem(res, 415, e.message ?? 'unsupported encoding');
  const down = dependencyDown(err);
  if (down) {
    logger().warn({ err: (err as Error).message, path: req.path }, down);
    sendProblem(res, 503, `RingLens cannot answer right now: ${down}. Retry shortly.`, { reason: down, headers: { 'Retry-After': '5' } });
    return;
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return sendProblem(res, status, e.message ?? 'bad request');
  logger().error({ err, path: req.path, method: req.method }, 'unhandled error');
  sendProblem(res, 500, 'an unexpected error occurred; it has been logged');
};
