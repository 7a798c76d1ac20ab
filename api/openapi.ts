import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { ProblemSchema } from './problem.ts';
import type { AnyRoute } from './route.ts';

/**
 * The OpenAPI 3.1 document, built from the route declarations and their zod schemas: the schemas
 * that validate requests and responses are the ones documented.
 */
export const API_PREFIX = '/api/v1';

const PROBLEM_TEXT: Record<number, string> = {
  400: 'invalid parameters or body (field-level messages in errors[])',
  401: 'no token, or an invalid or expired one',
  403: 'the role may not call this route',
  404: 'no such resource',
  409: 'conflicts with the current state (e.g. an invalid case transition)',
  413: 'body or upload larger than the limit',
  415: 'unsupported media type',
  422: 'understood but cannot be done within limits',
  429: 'rate limited',
  503: 'Neo4j or Redis is unavailable (reason says which); retry',
};

const problem = (status: number) => ({
  description: PROBLEM_TEXT[status] ?? 'problem',
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z]+)/g, '{$1}');

export function problemStatuses(r: AnyRoute): number[] {
  const s = new Set<number>([503]);
  if (r.roles !== 'public') [401, 403].forEach((x) => s.add(x));
  if (r.params || r.query || r.body || r.streamsBody) s.add(400);
  if (r.body) s.add(413);
  for (const p of r.problems ?? []) s.add(p);
  return [...s].sort();
}

export function buildOpenApi(routes: AnyRoute[], version: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const r of routes) {
    const op: ZodOpenApiOperationObject = {
      operationId: r.operationId,
      summary: r.summary,
      description: [r.description, r.roles === 'public' ? 'No token needed.' : `Roles: ${r.roles.join(', ')}.`, r.audit?.length ? `Writes audit events: ${r.audit.join(', ')}.` : '']
        .filter(Boolean)
        .join('\n\n'),
      tags: [r.tag],
      'x-roles': r.roles === 'public' ? [] : [...r.roles],
      ...(r.audit ? { 'x-audit': r.audit } : {}),
      ...(r.roles === 'public' ? { security: [] } : {}),
      requestParams: { ...(r.params ? { path: r.params } : {}), ...(r.query ? { query: r.query } : {}) } as ZodOpenApiOperationObject['requestParams'],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      ...(r.streamsBody ? { requestBody: { required: true, description: r.streamsBody.description, content: { [r.streamsBody.contentType]: { schema: r.streamsBody.schema } } } } : {}),
      responses: {
        [String(r.response.status)]: r.file
          ? { description: r.response.description, content: Object.fromEntries(r.file.contentTypes.map((t) => [t, { schema: z.string().meta({ format: 'binary' }) }])) }
          : { description: r.response.description, content: { 'application/json': { schema: r.response.schema } } },
        ...Object.fromEntries(problemStatuses(r).map((s) => [String(s), problem(s)])),
      },
    };
    const p = `${API_PREFIX}${openApiPath(r.path)}`;
    paths[p] = { ...(paths[p] ?? {}), [r.method]: op };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'RingLens Investigation API',
      version,
      description:
        'Rings, entities, neighbourhoods, cases, runs and jobs. Every route needs a bearer token from POST /api/v1/auth/login except login and refresh. ' +
        'Personal data is masked according to the role; every read of personal data, every case change and every login is audited. Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearerAuth: [] }],
    paths,
  });
}
