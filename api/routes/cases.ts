import { z } from 'zod';
import { ROLES, type Role } from '../../access/roles.ts';
import { addCaseNote, assignCase, CaseError, createCase, getCase, listAssignees, listCases, transitionCase, TransitionRejected, type CaseRecord } from '../../graph/cases/cases.ts';
import { CASE_STATUSES, isOverdue, TRANSITIONS, type CaseStatus } from '../../cases/workflow.ts';
import { conflict, forbidden, notFound, Problem } from '../problem.ts';
import { defineRoute, type AnyRoute, type User } from '../route.ts';
import { loadVerdictLabels } from '../../cases/verdict-labels.ts';
import { CaseViewError, listCaseViews, saveCaseView, type CaseViewRecord } from '../../graph/cases/views.ts';
import { AssigneeListSchema, AssignBody, CaseViewListSchema, CaseViewSchema, CreateCaseViewBody, VerdictLabelListSchema, CaseDetailSchema, CaseListQuery, CasePageSchema, CaseParams, CaseSchema, CreateCaseBody, NoteBody, TransitionBody } from '../schemas/cases.ts';
import { decodeCursor, encodeCursor } from '../schemas/common.ts';

/** Liaisons see the cases referred to the police, and nothing before that. */
export const LIAISON_STATUSES: CaseStatus[] = ['referred', 'closed'];
export const visibleTo = (role: Role, status: CaseStatus) => role !== 'liaison' || LIAISON_STATUSES.includes(status);

const allowedFor = (role: Role, status: CaseStatus) => TRANSITIONS.filter((t) => t.from === status && t.roles.includes(role)).map((t) => t.to);
const view = <T extends CaseRecord>(c: T, user: User) => ({ ...c, overdue: isOverdue(c), allowedTransitions: allowedFor(user.role, c.status) });

/** What the workbench gets of a saved view: graph ids, never the natural keys (masked roles read views too). */
const viewOut = (v: CaseViewRecord) => ({
  viewId: v.viewId,
  caseId: v.caseId,
  name: v.name,
  note: v.note,
  createdBy: v.createdBy,
  createdByName: v.createdByName,
  createdAt: v.createdAt,
  nodeIds: v.nodeIds,
  highlightedIds: v.highlightedIds,
  hiddenTypes: v.hiddenTypes,
  entityCount: v.entities.length,
});

function caseProblem(e: unknown): never {
  if (e instanceof CaseViewError) {
    if (e.kind === 'case-not-found') throw notFound(e.message);
    throw new Problem(422, e.message);
  }
  if (e instanceof CaseError) {
    if (e.kind === 'ring-not-found' || e.kind === 'case-not-found') throw notFound(e.message);
    if (e.kind === 'assignee-invalid') throw new Problem(422, e.message);
    throw conflict(e.message);
  }
  if (e instanceof TransitionRejected) {
    if (e.check.reason === 'role-not-allowed') throw forbidden(e.message);
    throw conflict(e.message, { allowed: e.check.allowed });
  }
  throw e;
}

export function caseRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/assignees',
      operationId: 'listAssignees',
      tag: 'cases',
      summary: 'The people a case may be assigned to (active investigators and supervisors): the assignment picker',
      roles: ['investigator', 'supervisor'],
      response: { status: 200, schema: AssigneeListSchema, description: 'assignable users' },
      async handler({ deps }) {
        return { items: await listAssignees(deps.services.driver) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/verdict-labels',
      operationId: 'listVerdictLabels',
      tag: 'cases',
      summary: 'The verdict-label pick-list (config/verdict-labels.yaml): codes with Chinese and English names',
      roles: ROLES,
      response: { status: 200, schema: VerdictLabelListSchema, description: 'the labels' },
      async handler() {
        return { items: loadVerdictLabels() };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases',
      operationId: 'listCases',
      tag: 'cases',
      summary: 'List cases, most recently changed first (liaisons see referred and closed cases only)',
      roles: ROLES,
      query: CaseListQuery,
      response: { status: 200, schema: CasePageSchema, description: 'a page of cases' },
      async handler({ query, deps, user }) {
        const statuses = user.role === 'liaison' ? (query.status ?? LIAISON_STATUSES).filter((s) => LIAISON_STATUSES.includes(s)) : query.status;
        const after = decodeCursor(query.cursor, z.tuple([z.string(), z.string()]));
        if (statuses && statuses.length === 0) return { items: [], nextCursor: null };
        const items = await listCases(deps.services.driver, { statuses, assignee: query.assignee, ringId: query.ringId }, after, query.limit);
        const last = items.at(-1);
        return { items: items.map((c) => view(c, user)), nextCursor: items.length === query.limit && last ? encodeCursor([last.updatedAt, last.caseId]) : null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases',
      operationId: 'createCase',
      tag: 'cases',
      summary: 'Open a case on a ring (one open case per ring)',
      roles: ['investigator', 'supervisor'],
      body: CreateCaseBody,
      response: { status: 201, schema: CaseSchema, description: 'the new case' },
      problems: [404, 409, 422],
      audit: ['case-create'],
      async handler({ body, deps, user, audit }) {
        const created = await createCase(deps.services.driver, { ...body, actor: user.username }).catch(caseProblem);
        // ring summaries show the open case
        await deps.ringCache.changed(`case created on ${body.ringId}`);
        await audit({ action: 'case-create', target: `case:${created.caseId}`, details: { ringId: body.ringId, assignee: body.assignee ?? null } });
        return view(created, user);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/:caseId',
      operationId: 'getCase',
      tag: 'cases',
      summary: 'A case with its full history (every change and note)',
      roles: ROLES,
      params: CaseParams,
      response: { status: 200, schema: CaseDetailSchema, description: 'the case' },
      problems: [404],
      audit: ['personal-data-read'],
      async handler({ params, deps, user, audit }) {
        const c = await getCase(deps.services.driver, params.caseId);
        if (!c || !visibleTo(user.role, c.status)) throw notFound(`no case ${params.caseId}`);
        await audit({ action: 'personal-data-read', target: `case:${c.caseId}`, details: { view: 'case' } });
        return view(c, user);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/assign',
      operationId: 'assignCase',
      tag: 'cases',
      summary: 'Assign a case to an investigator or supervisor (or unassign)',
      roles: ['supervisor'],
      params: CaseParams,
      body: AssignBody,
      response: { status: 200, schema: CaseSchema, description: 'the case after the change' },
      problems: [404, 422],
      audit: ['case-assign'],
      async handler({ params, body, deps, user, audit }) {
        const c = await assignCase(deps.services.driver, params.caseId, body.assignee, user.username).catch(caseProblem);
        if (!c) throw notFound(`no case ${params.caseId}`);
        // ring summaries show who holds the open case
        await deps.ringCache.changed(`case ${c.caseId} assigned`);
        await audit({ action: 'case-assign', target: `case:${c.caseId}`, details: { assignee: body.assignee } });
        return view(c, user);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transitions',
      operationId: 'transitionCase',
      tag: 'cases',
      summary: 'Move a case along the workflow: new → investigating → confirmed | dismissed → referred → closed',
      description: `Allowed moves: ${TRANSITIONS.map((t) => `${t.from} → ${t.to} (${t.roles.join(', ')})`).join('; ')}. Any other move is 409 with the allowed statuses; a move the role may not make is 403. Confirming or dismissing records the verdict on the case and the ring. Statuses: ${CASE_STATUSES.join(', ')}.`,
      roles: ['investigator', 'supervisor', 'liaison'],
      params: CaseParams,
      body: TransitionBody,
      response: { status: 200, schema: CaseSchema, description: 'the case after the change' },
      problems: [404, 409],
      audit: ['case-transition'],
      async handler({ params, body, deps, user, audit }) {
        const existing = await getCase(deps.services.driver, params.caseId);
        if (!existing || !visibleTo(user.role, existing.status)) throw notFound(`no case ${params.caseId}`);
        try {
          const c = await transitionCase(deps.services.driver, params.caseId, { ...body, actor: user.username, role: user.role }).catch(caseProblem);
          if (!c) throw notFound(`no case ${params.caseId}`);
          // ring summaries show the open case's status and the verdict
          await deps.ringCache.changed(`case ${c.caseId} ${existing.status} → ${body.to}`);
          await audit({ action: 'case-transition', target: `case:${c.caseId}`, details: { from: existing.status, to: body.to, labels: body.labels ?? [] } });
          return view(c, user);
        } catch (e) {
          if (e instanceof Problem && (e.status === 409 || e.status === 403)) {
            await audit({ action: 'case-transition', target: `case:${params.caseId}`, outcome: 'failure', details: { from: existing.status, to: body.to, rejected: e.message } });
          }
          throw e;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/:caseId/views',
      operationId: 'listCaseViews',
      tag: 'cases',
      summary: "A case's saved graph views (name, note, nodes, highlight, hidden types), oldest first",
      roles: ROLES,
      params: CaseParams,
      response: { status: 200, schema: CaseViewListSchema, description: 'the views' },
      problems: [404],
      async handler({ params, deps, user }) {
        const c = await getCase(deps.services.driver, params.caseId);
        if (!c || !visibleTo(user.role, c.status)) throw notFound(`no case ${params.caseId}`);
        return { items: (await listCaseViews(deps.services.driver, params.caseId)).map(viewOut) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/views',
      operationId: 'saveCaseView',
      tag: 'cases',
      summary: 'Save the graph as drawn (nodes, highlight, hidden types) with a name and a note; the export package includes it',
      roles: ['investigator', 'supervisor'],
      params: CaseParams,
      body: CreateCaseViewBody,
      response: { status: 201, schema: CaseViewSchema, description: 'the saved view' },
      problems: [404, 422],
      audit: ['case-view-save'],
      async handler({ params, body, deps, user, audit }) {
        const c = await getCase(deps.services.driver, params.caseId);
        if (!c) throw notFound(`no case ${params.caseId}`);
        const v = await saveCaseView(deps.services.driver, params.caseId, { ...body, actor: user.username }).catch(caseProblem);
        await audit({ action: 'case-view-save', target: `case:${params.caseId}`, details: { viewId: v.viewId, nodes: v.nodeIds.length } });
        return viewOut(v);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/notes',
      operationId: 'addCaseNote',
      tag: 'cases',
      summary: 'Add a note to a case',
      roles: ['investigator', 'supervisor', 'liaison'],
      params: CaseParams,
      body: NoteBody,
      response: { status: 201, schema: CaseSchema, description: 'the case after the note' },
      problems: [404],
      audit: ['case-note'],
      async handler({ params, body, deps, user, audit }) {
        const existing = await getCase(deps.services.driver, params.caseId);
        if (!existing || !visibleTo(user.role, existing.status)) throw notFound(`no case ${params.caseId}`);
        const c = await addCaseNote(deps.services.driver, params.caseId, body.note, user.username);
        if (!c) throw notFound(`no case ${params.caseId}`);
        await audit({ action: 'case-note', target: `case:${c.caseId}`, details: { length: body.note.length } });
        return view(c, user);
      },
    }),
  ];
}
