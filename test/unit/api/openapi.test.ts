import { describe, expect, it } from 'vitest';
import { buildOpenApi, openApiPath, problemStatuses, API_PREFIX } from '../../../api/openapi.ts';
import { allRoutes } from '../../../api/routes/index.ts';

// Building the document touches no service.
const routes = allRoutes();
const doc = buildOpenApi(routes, 'test');

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with bearer auth', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components?.securitySchemes).toHaveProperty('bearerAuth');
  });

  it('documents every route of the registry, with its roles, parameters and problem responses', () => {
    const ids = new Set<string>();
    for (const r of routes) {
      expect(ids.has(r.operationId), r.operationId).toBe(false);
      ids.add(r.operationId);
      const op = (doc.paths as Record<string, Record<string, Record<string, unknown>>>)[`${API_PREFIX}${openApiPath(r.path)}`]?.[r.method];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!.operationId).toBe(r.operationId);
      expect(op!['x-roles']).toEqual(r.roles === 'public' ? [] : [...r.roles]);
      const responses = op!.responses as Record<string, { content?: Record<string, unknown> }>;
      expect(responses[String(r.response.status)]?.content).toHaveProperty([r.file?.contentTypes[0] ?? 'application/json']);
      for (const s of problemStatuses(r)) expect(responses[String(s)]?.content, `${r.operationId} ${s}`).toHaveProperty('application/problem+json');
      const pathParams = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      const documented = ((op!.parameters ?? []) as { in: string; name: string }[]).filter((p) => p.in === 'path').map((p) => p.name);
      expect(documented.sort()).toEqual(pathParams.sort());
    }
  });

  it('names request and response schemas as reusable components', () => {
    for (const name of ['Problem', 'RingSummary', 'RingDetail', 'RingGraph', 'Case', 'CaseDetail', 'EntityProfile', 'Claim', 'AuditEvent', 'Tokens']) {
      expect(doc.components?.schemas, name).toHaveProperty(name);
    }
  });
});
