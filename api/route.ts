import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { maskerFor, type Masker } from '../access/masking.ts';
import type { Role } from '../access/roles.ts';
import { appendAudit, type AuditEventInput } from '../graph/audit/audit.ts';
import { guardResponse } from './response-guard.ts';
import type { ApiDeps } from './deps.ts';
import { authenticate } from './auth/middleware.ts';
import { fromZod, Problem } from './problem.ts';
import { remainingMs, withDeadline } from '../runtime/request-deadline.ts';

/**
 * How long a request waits for its audit event to be stored. Events are written in group commits, one
 * at a time; a commit stuck on a connection Neo4j stopped serving (seen while it starts or stops) held
 * every audited request behind it for 15 s and more. Past this wait the request answers 503 — a read
 * is never served unaudited — and the writer moves on without the stuck commit (graph/audit/audit.ts).
 */
const AUDIT_WAIT_MS = 2_000;
/**
 * …and at most what is left of this much since the request began (never under MIN_AUDIT_WAIT_MS), the
 * budget every Neo4j call of the request shares as well: a request that waits on two or three calls while
 * Neo4j starts up answered 503 after 3.8–3.9 s, over the 3 s an outage may cost (docs/api.md).
 */
const REQUEST_BUDGET_MS = 2_700;
const MIN_AUDIT_WAIT_MS = 300;

/**
 * One declaration per route: method, path, who may call it, the zod schemas of its parameters,
 * body and response, and the handler. The same declaration mounts the Express route, produces its
 * OpenAPI operation (api/openapi.ts) and drives the role-matrix test — nothing can drift apart.
 */

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface User {
  username: string;
  role: Role;
}

export type AuditInput = Pick<AuditEventInput, 'action' | 'target'> & Partial<Pick<AuditEventInput, 'subjects' | 'details' | 'outcome'>> & {
  /** who acted, when there is no token yet (login) */
  actor?: string;
};

export interface Ctx<P, Q, B> {
  req: Request;
  res: Response;
  deps: ApiDeps;
  user: User;
  params: P;
  query: Q;
  body: B;
  mask: Masker;
  /** writes an AuditEvent for this request; awaited, so a read is never served unaudited */
  audit(e: AuditInput): Promise<void>;
}

export interface RouteDef<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: Method;
  /** Express syntax: /rings/:ringId */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** the roles allowed; 'public' routes need no token */
  roles: readonly Role[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  response: { status: 200 | 201 | 202; schema: R; description: string };
  /** further problem statuses this route can answer, besides the ones every route can */
  problems?: number[];
  /** audit actions this route writes (documented as x-audit) */
  audit?: AuditEventInput['action'][];
  /** extra middleware run before authentication (rate limits) */
  before?: RequestHandler[];
  /**
   * a route that answers with a file (a download): its handler returns a FileResult — a file on disk
   * (streamed) or bytes in memory — sent as an attachment (or inline) with one of these content types
   * (the first is the default); response.schema is then FileResult
   */
  file?: { contentTypes: [string, ...string[]] };
  /** a route that reads the request itself (file upload); documented by requestContent */
  streamsBody?: { contentType: string; schema: z.ZodType; description: string };
  handler(ctx: Ctx<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
}

/** What a download route's handler returns: a file on this machine or bytes, and how to present them. */
const FileCommon = {
  filename: z.string().min(1),
  /** one of the route's file.contentTypes; default the first */
  contentType: z.string().optional(),
  /** shown in the browser (HTML reports) instead of downloaded */
  inline: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).optional(),
};
export const FileResult = z.union([
  z.object({ path: z.string().min(1), ...FileCommon }),
  z.object({ bytes: z.instanceof(Buffer), ...FileCommon }),
]);

function sendFile(res: Response, file: z.output<typeof FileResult>, contentType: string): Promise<void> {
  if (file.inline) res.setHeader('Content-Disposition', `inline; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`);
  else res.attachment(file.filename);
  res.type(file.contentType ?? contentType);
  res.setHeader('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(file.headers ?? {})) res.setHeader(k, v);
  if ('bytes' in file) {
    res.end(file.bytes);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    res.sendFile(file.path, { dotfiles: 'allow', cacheControl: false }, (err) => {
      if (!err) return resolve();
      if (res.headersSent) return reject(err);
      // The handler saw the file a moment ago; gone now means someone removed it (retention, a clean-up).
      reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new Problem(404, `the file ${file.filename} is no longer on this server`) : err);
    });
  });
}

// Stored without its generics: the registry only needs the shape.
export type AnyRoute = RouteDef<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(def: RouteDef<P, Q, B, R>): AnyRoute {
  return def as unknown as AnyRoute;
}

export function clientIp(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

export function auditFields(req: Request): Pick<AuditEventInput, 'ip' | 'userAgent' | 'method' | 'path'> {
  return { ip: clientIp(req), userAgent: req.get('user-agent')?.slice(0, 300) ?? null, method: req.method, path: req.originalUrl.slice(0, 500) };
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: 'params' | 'query' | 'body'): z.output<T> | undefined {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw fromZod(where, r.error);
  return r.data;
}

export function mountRoute(router: Router, route: AnyRoute, deps: ApiDeps): void {
  // Response bodies by the object the handler returned; only objects that live on (cached) are ever found again.
  const serialized = new WeakMap<object, string>();
  // An unknown query parameter is refused, not dropped: a misspelt filter (?family= for ?type=) would
  // otherwise answer with everything, and the caller would take it for the filtered list.
  const strictQuery = route.query instanceof z.ZodObject ? route.query.strict() : route.query;
  const run = async (req: Request, res: Response, _next: NextFunction) => {
    const user = route.roles === 'public' ? null : await authenticate(req, deps);
    if (user && route.roles !== 'public' && !route.roles.includes(user.role)) {
      throw new Problem(403, `${route.method.toUpperCase()} ${route.path} is not allowed for role ${user.role}`);
    }
    const params = parse(route.params, req.params, 'params');
    const query = parse(strictQuery, req.query, 'query');
    const body = route.streamsBody ? undefined : parse(route.body, req.body, 'body');
    // Public routes (login, refresh) have no caller yet; they never read ctx.user and audit with an explicit actor.
    const actor = user ?? { username: 'anonymous', role: 'admin' as Role };
    const ctx: Ctx<unknown, unknown, unknown> = {
      req,
      res,
      deps,
      user: actor,
      params,
      query,
      body,
      // Public routes never return personal data; mask as strictly as possible anyway.
      mask: maskerFor(user ? user.role : 'admin'),
      audit: async (e) => {
        const { actor: claimed, ...rest } = e;
        await appendAudit(deps.services.driver, { outcome: 'success', ...rest, actor: user?.username ?? claimed ?? 'anonymous', role: user?.role ?? null, ...auditFields(req) }, { waitMs: Math.max(MIN_AUDIT_WAIT_MS, Math.min(AUDIT_WAIT_MS, remainingMs() ?? AUDIT_WAIT_MS)) });
      },
    };
    const result = await route.handler(ctx);
    if (res.headersSent) return;
    if (route.file) {
      await sendFile(res, FileResult.parse(result), route.file.contentTypes[0]);
      return;
    }
    // A handler that answers with a cached object (api/ring-cache.ts) gets it checked and serialised once.
    const known = typeof result === 'object' && result !== null ? serialized.get(result) : undefined;
    if (known !== undefined) {
      res.status(route.response.status).type('json').send(known);
      return;
    }
    let out = result;
    if (deps.validateResponses) {
      const guarded = guardResponse(route.response.schema, result, { operationId: route.operationId, params });
      if (!guarded.ok) throw guarded.problem;
      if (guarded.withheld) {
        // A list with entities withheld is not the cached answer: the next request checks again.
        res.setHeader('RingLens-Withheld', String(guarded.withheld));
        res.status(route.response.status).type('json').send(JSON.stringify(guarded.data));
        return;
      }
      out = guarded.data;
    }
    const json = JSON.stringify(out);
    if (typeof result === 'object' && result !== null) serialized.set(result, json);
    res.status(route.response.status).type('json').send(json);
  };
  // Every Neo4j call of the request shares its budget (runtime/request-deadline.ts).
  router[route.method](route.path, ...(route.before ?? []), (req: Request, res: Response, next: NextFunction) => withDeadline(Date.now() + REQUEST_BUDGET_MS, () => run(req, res, next)));
}
