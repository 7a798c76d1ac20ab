import { z } from 'zod';
import type { Masker } from '../../access/masking.ts';
import { claimAggregates, listClaims } from '../../graph/queries/claims.ts';
import { entityProfile, searchEntities, type EntityProfile } from '../../graph/queries/entities.ts';
import { expandNode, PathTimeout, shortestConnection } from '../../graph/queries/explore.ts';
import { badRequest, notFound, Problem } from '../problem.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import { apiClaim, claimSubjects, ClaimPageSchema, ClaimQuery, ClaimTimelineSchema } from '../schemas/claims.ts';
import { decodeCursor, encodeCursor } from '../schemas/common.ts';
import { EntityParams, EntityProfileSchema, ExpandQuery, GraphSchema, PathQuery, PathSchema, SearchQuery, SearchResultSchema } from '../schemas/entities.ts';
import { apiNode, personKeys } from '../schemas/graph.ts';

// Liaisons work the cases referred to them (rings and claims of those), not the whole population:
// no free search, profiles or exploration.
const EXPLORERS = ['investigator', 'supervisor', 'admin'] as const;
const PROFILE_READERS = EXPLORERS;

/** Person properties that identify someone, and how each is masked. */
function maskFacts(type: string, props: EntityProfile['props'], mask: Masker): EntityProfile['props'] {
  const out = { ...props };
  if (type === 'person') {
    for (const k of ['idNumber', 'householdId']) if (typeof out[k] === 'string') out[k] = mask.idNumber(out[k] as string);
    if (typeof out.name === 'string') out.name = mask.name(out.name);
    if (typeof out.address === 'string') out.address = mask.address(out.address);
    if (typeof out.phone === 'string') out.phone = mask.phone(out.phone);
    if (typeof out.birthDate === 'string') out.birthDate = mask.birthDate(out.birthDate);
  }
  if (type === 'card') {
    if (typeof out.cardNo === 'string') out.cardNo = mask.cardNo(out.cardNo);
    if (typeof out.holderIdNumber === 'string') out.holderIdNumber = mask.idNumber(out.holderIdNumber);
  }
  return out;
}

export function entityRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/entities/search',
      operationId: 'searchEntities',
      tag: 'entities',
      summary: 'Find persons, cards, doctors and institutions by ID number, card number, code (any case) or part of a name',
      roles: EXPLORERS,
      query: SearchQuery,
      response: { status: 200, schema: SearchResultSchema, description: 'matches, exact keys first' },
      audit: ['personal-data-read'],
      async handler({ query, deps, mask, audit }) {
        const hits = await searchEntities(deps.services.driver, query.q, query.type, query.limit);
        await audit({ action: 'personal-data-read', target: 'search', subjects: personKeys(hits), details: { q: query.q, types: query.type ?? null, hits: hits.length } });
        return { items: hits.map((h) => ({ ...apiNode(h, mask), match: h.match, rings: h.rings })) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/entities/:type/:key',
      operationId: 'getEntity',
      tag: 'entities',
      summary: 'Profile of a person, card, doctor or institution: facts, claim statistics, rings it belongs to',
      roles: PROFILE_READERS,
      params: EntityParams,
      response: { status: 200, schema: EntityProfileSchema, description: 'the profile' },
      problems: [404],
      audit: ['personal-data-read'],
      async handler({ params, deps, mask, audit }) {
        const p = await entityProfile(deps.services.driver, params.type, params.key);
        if (!p) throw notFound(`no ${params.type} ${params.key}`);
        const subjects = [...(params.type === 'person' ? [params.key] : []), ...(p.holder ? [p.holder.idNumber] : [])];
        await audit({ action: 'personal-data-read', target: `${params.type}:${params.key}`, subjects });
        return {
          entity: apiNode(p.node, mask),
          facts: maskFacts(params.type, p.props, mask),
          holder: p.holder ? { idNumber: mask.idNumber(p.holder.idNumber)!, name: mask.name(p.holder.name) } : null,
          cards: p.cards.map((c) => ({ cardNo: mask.cardNo(c.cardNo)!, type: c.type })),
          institution: p.institution,
          counts: p.counts,
          stats: p.stats,
          rings: p.rings.map((r) => ({ ...r, via: r.via ? mask.ref(r.via) : null })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/entities/:type/:key/claims',
      operationId: 'listEntityClaims',
      tag: 'entities',
      summary: "An entity's claims, newest first (a person's: served to them or charged to their cards)",
      roles: PROFILE_READERS,
      params: EntityParams,
      query: ClaimQuery,
      response: { status: 200, schema: ClaimPageSchema, description: 'a page of claims' },
      problems: [404],
      audit: ['personal-data-read'],
      async handler({ params, query, deps, mask, audit }) {
        const after = decodeCursor(query.cursor, z.tuple([z.string(), z.string()]));
        const rows = await listClaims(deps.services.driver, { kind: params.type, key: params.key }, query, after, query.limit);
        if (!rows) throw notFound(`no ${params.type} ${params.key}`);
        await audit({ action: 'personal-data-read', target: `${params.type}:${params.key}`, subjects: claimSubjects(rows), details: { view: 'claims' } });
        const last = rows.at(-1);
        return { items: rows.map((c) => apiClaim(c, mask)), nextCursor: rows.length === query.limit && last?.settledAt ? encodeCursor([last.settledAt, last.claimId]) : null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/entities/:type/:key/timeline',
      operationId: 'getEntityTimeline',
      tag: 'entities',
      summary: "An entity's claims per Beijing day and hour of day, aggregated over all of them (not the latest page)",
      roles: PROFILE_READERS,
      params: EntityParams,
      response: { status: 200, schema: ClaimTimelineSchema, description: 'counts and fund paid per day and hour' },
      problems: [404],
      async handler({ params, deps }) {
        const agg = await claimAggregates(deps.services.driver, { kind: params.type, key: params.key });
        if (!agg) throw notFound(`no ${params.type} ${params.key}`);
        return agg;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/graph/expand',
      operationId: 'expandNode',
      tag: 'exploration',
      summary: 'Neighbourhood of any node: 1–2 hops, node-type filters, a node cap with a truncated flag',
      roles: EXPLORERS,
      query: ExpandQuery,
      response: { status: 200, schema: GraphSchema, description: 'nodes and edges around the node' },
      problems: [404],
      audit: ['personal-data-read'],
      async handler({ query, deps, mask, audit }) {
        const x = await expandNode(deps.services.driver, query.node, { hops: query.hops as 1 | 2, types: query.types, limit: query.limit });
        if (!x) throw notFound(`no node ${query.node}`);
        await audit({ action: 'personal-data-read', target: `${x.origin.type}:${x.origin.key}`, subjects: personKeys([x.origin, ...x.nodes]), details: { view: 'expand', hops: query.hops, nodes: x.nodes.length } });
        return { origin: apiNode(x.origin, mask), nodes: x.nodes.map((n) => apiNode(n, mask)), edges: x.edges.map((e) => ({ ...e, weight: 1 })), truncated: x.truncated };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/graph/path',
      operationId: 'shortestConnection',
      tag: 'exploration',
      summary: 'Shortest connection between two nodes through claims, cards, doctors and institutions',
      roles: EXPLORERS,
      query: PathQuery,
      response: { status: 200, schema: PathSchema, description: 'the path, or found: false' },
      problems: [404, 422],
      audit: ['personal-data-read'],
      async handler({ query, deps, mask, audit }) {
        if (query.from === query.to) throw badRequest('from and to are the same node', [{ path: 'query.to', message: 'must differ from from' }]);
        let c;
        try {
          c = await shortestConnection(deps.services.driver, query.from, query.to, query.maxHops);
        } catch (e) {
          if (e instanceof PathTimeout) throw new Problem(422, `path search gave up: ${e.message}; lower maxHops`);
          throw e;
        }
        if (!c.from) throw notFound(`no node ${query.from}`);
        if (!c.to) throw notFound(`no node ${query.to}`);
        const nodes = c.path?.nodes ?? [];
        await audit({ action: 'personal-data-read', target: `${c.from.type}:${c.from.key}`, subjects: personKeys([c.from, c.to, ...nodes]), details: { view: 'path', to: `${c.to.type}:${c.to.key}`, found: !!c.path } });
        return {
          found: !!c.path,
          length: c.path ? c.path.edges.length : null,
          nodes: nodes.map((n) => apiNode(n, mask)),
          edges: (c.path?.edges ?? []).map((e) => ({ ...e, weight: 1 })),
        };
      },
    }),
  ];
}
