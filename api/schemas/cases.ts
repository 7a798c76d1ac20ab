import { z } from 'zod';
import { FREE_LABEL } from '../../cases/verdict-labels.ts';
import { CASE_STATUSES } from '../../cases/workflow.ts';
import { Username } from './auth.ts';
import { CsvList, Cursor, Key, Limit, Page } from './common.ts';

export const CaseStatusSchema = z.enum(CASE_STATUSES).meta({ id: 'CaseStatus' });
const Note = z.string().trim().min(1).max(10_000);
const VerdictLabel = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(FREE_LABEL, 'a label starts with a letter or digit (any script, Chinese included) and holds letters, digits, spaces and : . _ - ( ) 、 · / only')
  .meta({ description: 'a code from GET /verdict-labels (e.g. "hard-negative:nursing-home"), or free text such as "养老院集体就诊"' });

export const VerdictLabelListSchema = z
  .object({
    items: z.array(
      z.object({
        code: z.string(),
        zh: z.string(),
        en: z.string(),
        verdicts: z.array(z.enum(['fraud', 'false-positive'])).meta({ description: 'the decisions the label belongs to' }),
      }),
    ),
  })
  .meta({ id: 'VerdictLabelList' });

export const CaseParams = z.object({ caseId: Key });

export const CreateCaseBody = z
  .object({ ringId: Key, title: z.string().trim().min(1).max(200).optional(), assignee: Username.optional(), note: Note.optional() })
  .meta({ id: 'CreateCaseRequest' });
export const AssignBody = z.object({ assignee: Username.nullable().meta({ description: 'null unassigns' }) }).meta({ id: 'AssignRequest' });
export const TransitionBody = z
  .object({
    to: CaseStatusSchema,
    note: Note.optional(),
    labels: z.array(VerdictLabel).max(20).optional().meta({ description: 'verdict labels when confirming or dismissing; they feed ranking' }),
  })
  .meta({ id: 'TransitionRequest' });
export const NoteBody = z.object({ note: Note }).meta({ id: 'NoteRequest' });

export const CaseListQuery = z.object({
  status: CsvList(CaseStatusSchema).optional(),
  assignee: Username.optional(),
  ringId: Key.optional(),
  limit: Limit(50, 200),
  cursor: Cursor.optional(),
});

export const CaseSchema = z
  .object({
    caseId: z.string(),
    title: z.string(),
    status: CaseStatusSchema,
    assignee: z.string().nullable().meta({ description: 'username' }),
    assigneeName: z.string().nullable().meta({ description: "the assignee's display name (null when unassigned or the account is gone)" }),
    createdBy: z.string(),
    createdByName: z.string().nullable().meta({ description: "the creator's display name" }),
    createdAt: z.string(),
    updatedAt: z.string(),
    verdict: z.string().nullable().meta({ description: 'fraud (confirmed) | false-positive (dismissed)' }),
    verdictLabels: z.array(z.string()),
    ring: z.object({ ringId: z.string(), family: z.string(), score: z.number(), status: z.string(), region: z.string().nullable(), fundPaid: z.number().nullable() }),
    overdue: z.boolean().meta({ description: 'still new or investigating more than CASE_OVERDUE_DAYS (14) days after it was opened' }),
    allowedTransitions: z.array(CaseStatusSchema).meta({ description: 'statuses the caller may move this case to' }),
  })
  .meta({ id: 'Case' });

export const CaseEventSchema = z
  .object({
    eventId: z.string(),
    at: z.string(),
    actor: z.string(),
    actorName: z.string().nullable().meta({ description: "the actor's display name" }),
    kind: z.enum(['created', 'assigned', 'transition', 'note']),
    from: z.string().nullable(),
    to: z.string().nullable(),
    assignee: z.string().nullable(),
    assigneeName: z.string().nullable(),
    note: z.string().nullable(),
    labels: z.array(z.string()),
  })
  .meta({ id: 'CaseEvent' });

export const CaseDetailSchema = CaseSchema.extend({ history: z.array(CaseEventSchema) }).meta({ id: 'CaseDetail' });
export const CasePageSchema = Page(CaseSchema).meta({ id: 'CasePage' });

export const AssigneeListSchema = z
  .object({ items: z.array(z.object({ username: z.string(), displayName: z.string(), role: z.enum(['investigator', 'supervisor']) })) })
  .meta({ id: 'AssigneeList' });

const GraphNodeId = z.string().min(1).max(100).regex(/^[0-9]+:[0-9a-f-]+:[0-9]+$/, 'a node id as returned in graph payloads');
/** node types and relationship types ("rel-<type>") the legend can switch off, and "outsider" (non-members) */
const HiddenType = z.string().regex(/^(person|card|doctor|institution|claim|ring|trace-code|outsider|rel-[A-Za-z_]+)$/, 'a node type, "outsider" or rel-<relationship type>');

export const CreateCaseViewBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    note: z.string().trim().max(5000).default(''),
    nodeIds: z.array(GraphNodeId).min(1).max(5000).meta({ description: 'the nodes on the canvas' }),
    highlightedIds: z.array(GraphNodeId).max(5000).default([]).meta({ description: 'the nodes highlighted (a path, an evidence sentence, a time brush)' }),
    hiddenTypes: z.array(HiddenType).max(30).default([]),
  })
  .strict()
  .meta({ id: 'CreateCaseViewRequest' });

export const CaseViewSchema = z
  .object({
    viewId: z.string(),
    caseId: z.string(),
    name: z.string(),
    note: z.string(),
    createdBy: z.string(),
    createdByName: z.string().nullable().meta({ description: "the creator's display name" }),
    createdAt: z.string(),
    nodeIds: z.array(z.string()),
    highlightedIds: z.array(z.string()),
    hiddenTypes: z.array(z.string()),
    entityCount: z.number().int().meta({ description: 'persons, cards, doctors and institutions among the nodes (what the export package lists)' }),
  })
  .meta({ id: 'CaseView' });
export const CaseViewListSchema = z.object({ items: z.array(CaseViewSchema) }).meta({ id: 'CaseViewList' });
