import { z } from 'zod';
import { ROLES } from '../../access/roles.ts';
import { claimAggregates, listClaims } from '../../graph/queries/claims.ts';
import { drawRing } from '../../graph/queries/ring-drawing.ts';
import { getRing, listRegions, listRings, ringGraphMaterial, ringReferred, sortValue, type RingSort } from '../../graph/queries/rings.ts';
import type { ApiDeps } from '../deps.ts';
import type { User } from '../route.ts';
import { badRequest, notFound } from '../problem.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import { apiClaim, claimSubjects, ClaimPageSchema, ClaimTimelineSchema, RingClaimQuery } from '../schemas/claims.ts';
import { decodeCursor, encodeCursor } from '../schemas/common.ts';
import { apiNode, personKeys } from '../schemas/graph.ts';
import { RegionListSchema, RingDetailSchema, RingGraphQuery, RingGraphSchema, RingListQuery, RingPageSchema, RingParams } from '../schemas/rings.ts';

const READERS = ROLES;

/** Liaisons see only the rings of cases referred to them; to them any other ring does not exist. */
async function checkLiaison(deps: ApiDeps, user: User, ringId: string): Promise<void> {
  if (user.role === 'liaison' && !(await ringReferred(deps.services.driver, ringId))) throw notFound(`no ring ${ringId}`);
}

export function ringRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/regions',
      operationId: 'listRegions',
      tag: 'rings',
      summary: 'Pooling regions by name, with how many active rings each has (the queue’s region picker)',
      roles: READERS,
      response: { status: 200, schema: RegionListSchema, description: 'regions' },
      async handler({ deps }) {
        return deps.ringCache.get('regions', async () => ({ items: await listRegions(deps.services.driver) }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rings',
      operationId: 'listRings',
      tag: 'rings',
      summary: 'List detected rings with filters, sorting and cursor pagination',
      description: 'Summaries carry no personal data, so listing is not audited. Liaisons see the rings of referred cases only.',
      roles: READERS,
      query: RingListQuery,
      response: { status: 200, schema: RingPageSchema, description: 'a page of rings' },
      async handler({ query, deps, user }) {
        if (query.minScore !== undefined && query.maxScore !== undefined && query.minScore > query.maxScore) {
          throw badRequest('minScore is above maxScore', [{ path: 'query.minScore', message: 'must not exceed maxScore' }]);
        }
        const desc = query.sort.startsWith('-');
        const field = query.sort.replace(/^-/, '') as RingSort;
        const after = decodeCursor(query.cursor, z.tuple([z.union([z.string(), z.number()]), z.string()]));
        const filters = { ...query, types: query.type, referredOnly: user.role === 'liaison' };
        // The page itself is cached (summaries carry no personal data, so it is the same for every role but the liaison's).
        return deps.ringCache.get(`list:${JSON.stringify(filters)}`, async () => {
          const items = await listRings(deps.services.driver, filters, { field, desc }, after, query.limit);
          const last = items.at(-1);
          return { items, nextCursor: items.length === query.limit && last ? encodeCursor([sortValue(last, field), last.ringId]) : null };
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rings/:ringId',
      operationId: 'getRing',
      tag: 'rings',
      summary: 'A ring: members with roles, evidence, amounts, period, history across runs, cases',
      roles: READERS,
      params: RingParams,
      response: { status: 200, schema: RingDetailSchema, description: 'the ring' },
      problems: [404],
      audit: ['personal-data-read'],
      async handler({ params, deps, mask, audit, user }) {
        await checkLiaison(deps, user, params.ringId);
        // Cached as this role sees it (masking depends on the role only); the read is audited every time.
        const view = await deps.ringCache.get(`ring:${params.ringId}:${user.role}`, async () => {
          const ring = await getRing(deps.services.driver, params.ringId);
          if (!ring) return null;
          return {
            subjects: personKeys(ring.members),
            body: {
              ...ring,
              members: ring.members.map((m) => ({ ...apiNode(m, mask), role: m.role, basis: m.basis ?? null })),
              evidence: ring.evidence.map((e) => ({ ...e, entities: e.entities.map(mask.ref) })),
              rankingFeedback: ring.rankingFeedback.map((e) => ({ ...e, entities: e.entities.map(mask.ref) })),
              history: ring.history.map((h) => ({ ...h, rankingFeedback: h.rankingFeedback.map((e) => ({ ...e, entities: e.entities.map(mask.ref) })) })),
              keyPersons: ring.keyPersons.map((k) => ({ key: mask.idNumber(k.id)!, name: mask.name(k.name), centrality: k.centrality, basis: k.basis ?? null })),
            },
          };
        });
        if (!view) throw notFound(`no ring ${params.ringId}`);
        await audit({ action: 'personal-data-read', target: `ring:${params.ringId}`, subjects: view.subjects });
        return view.body;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rings/:ringId/graph',
      operationId: 'getRingGraph',
      tag: 'rings',
      summary: "The ring's subgraph, ready to draw: entities sized by involvement, claims folded into weighted edges",
      roles: READERS,
      params: RingParams,
      query: RingGraphQuery,
      response: { status: 200, schema: RingGraphSchema, description: 'nodes and edges' },
      problems: [404],
      audit: ['personal-data-read'],
      async handler({ params, query, deps, mask, audit, user }) {
        await checkLiaison(deps, user, params.ringId);
        const view = await deps.ringCache.get(`graph:${params.ringId}:${query.maxClaims}:${query.maxNodes}:${user.role}`, async () => {
          const material = await ringGraphMaterial(deps.services.driver, params.ringId, query.maxClaims);
          if (!material) return null;
          const drawing = drawRing(material, query.maxNodes);
          return {
            subjects: personKeys(drawing.nodes),
            body: {
              ringId: params.ringId,
              nodes: drawing.nodes.map((n) => ({ ...apiNode(n, mask), member: n.member, role: n.role, size: n.size })),
              edges: drawing.edges,
              truncated: drawing.truncated || drawing.claimsUsed < drawing.claimCount,
              claimsUsed: drawing.claimsUsed,
              claimCount: drawing.claimCount,
            },
          };
        });
        if (!view) throw notFound(`no ring ${params.ringId}`);
        await audit({ action: 'personal-data-read', target: `ring:${params.ringId}`, subjects: view.subjects, details: { view: 'graph' } });
        return view.body;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rings/:ringId/claims',
      operationId: 'listRingClaims',
      tag: 'rings',
      summary: "The ring's evidence claims, newest first",
      roles: READERS,
      params: RingParams,
      query: RingClaimQuery,
      response: { status: 200, schema: ClaimPageSchema, description: 'a page of claims' },
      problems: [404],
      audit: ['personal-data-read'],
      async handler({ params, query, deps, mask, audit, user }) {
        await checkLiaison(deps, user, params.ringId);
        const after = decodeCursor(query.cursor, z.tuple([z.string(), z.string()]));
        const rows = await listClaims(deps.services.driver, { kind: 'ring', key: params.ringId }, query, after, query.limit);
        if (!rows) throw notFound(`no ring ${params.ringId}`);
        await audit({ action: 'personal-data-read', target: `ring:${params.ringId}`, subjects: claimSubjects(rows), details: { view: 'claims' } });
        const last = rows.at(-1);
        return { items: rows.map((c) => apiClaim(c, mask)), nextCursor: rows.length === query.limit && last?.settledAt ? encodeCursor([last.settledAt, last.claimId]) : null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rings/:ringId/timeline',
      operationId: 'getRingTimeline',
      tag: 'rings',
      summary: "The ring's evidence claims per Beijing day and hour of day, aggregated over all of them (no personal data)",
      roles: READERS,
      params: RingParams,
      response: { status: 200, schema: ClaimTimelineSchema, description: 'counts and fund paid per day and hour' },
      problems: [404],
      async handler({ params, deps, user }) {
        await checkLiaison(deps, user, params.ringId);
        const agg = await deps.ringCache.get(`timeline:${params.ringId}`, () => claimAggregates(deps.services.driver, { kind: 'ring', key: params.ringId }));
        if (!agg) throw notFound(`no ring ${params.ringId}`);
        return agg;
      },
    }),
  ];
}
