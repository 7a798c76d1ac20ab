/**
 * The API's shapes, taken from the server's zod schemas (api/schemas) as types only: `import type`
 * is erased by the bundler, so no server code reaches the browser, and the workbench cannot drift
 * from what the API returns without failing `npm run typecheck`.
 */
import type { z } from 'zod';
import type { TokensSchema } from '../../../api/schemas/auth.ts';
import type { AssigneeListSchema, CaseViewSchema, CaseDetailSchema, CaseSchema, CaseStatusSchema, VerdictLabelListSchema } from '../../../api/schemas/cases.ts';
import type { ScheduleView } from '../../../api/schemas/schedules.ts';
import type { ClaimSchema, ClaimTimelineSchema } from '../../../api/schemas/claims.ts';
import type { EntityProfileSchema, GraphSchema, SearchHitSchema } from '../../../api/schemas/entities.ts';
import type { GraphEdgeSchema, GraphNodeSchema } from '../../../api/schemas/graph.ts';
import type { RingDetailSchema, RingGraphSchema, RingSummarySchema } from '../../../api/schemas/rings.ts';
import type { ExportRefSchema, ExportStatusSchema } from '../../../api/schemas/exports.ts';
import type { ReportSchema } from '../../../api/schemas/reports.ts';
import type { RunSchema } from '../../../api/schemas/runs.ts';
import type { DoctorRatingPageSchema, DoctorRatingSchema, InstitutionRatingSchema, RatingPageSchema, RatingPeriodsSchema } from '../../../api/schemas/ratings.ts';
import type { RegionListSchema } from '../../../api/schemas/rings.ts';
import type { Role } from '../../../access/roles.ts';

export type { Role };
export type Tokens = z.output<typeof TokensSchema>;
export type SessionUser = Tokens['user'];
export type RingSummary = z.output<typeof RingSummarySchema>;
export type RingDetail = z.output<typeof RingDetailSchema>;
export type Evidence = RingDetail['evidence'][number];
export type RingGraph = z.output<typeof RingGraphSchema>;
export type GraphNode = z.output<typeof GraphNodeSchema>;
export type GraphEdge = z.output<typeof GraphEdgeSchema>;
export type Neighbourhood = z.output<typeof GraphSchema>;
export type SearchHit = z.output<typeof SearchHitSchema>;
export type EntityProfile = z.output<typeof EntityProfileSchema>;
export type Claim = z.output<typeof ClaimSchema>;
export type ClaimTimeline = z.output<typeof ClaimTimelineSchema>;
export type Case = z.output<typeof CaseSchema>;
export type CaseDetail = z.output<typeof CaseDetailSchema>;
export type CaseStatus = z.output<typeof CaseStatusSchema>;
export type CaseView = z.output<typeof CaseViewSchema>;
export type Assignee = z.output<typeof AssigneeListSchema>['items'][number];
export type Schedule = z.output<typeof ScheduleView>;
export type VerdictLabelDef = z.output<typeof VerdictLabelListSchema>['items'][number];
export type EntityType = 'person' | 'card' | 'doctor' | 'institution';
export const ENTITY_TYPES: EntityType[] = ['person', 'card', 'doctor', 'institution'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type DetectionRun = z.output<typeof RunSchema>;

export interface JobRef {
  queue: string;
  jobId: string;
  statusUrl: string;
}

export interface Job {
  queue: string;
  jobId: string;
  name: string;
  state: string;
  progress: unknown;
  attemptsMade: number;
  failedReason: string | null;
  result: unknown;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  requestedBy: string | null;
}

/** POST /cases/{caseId}/exports and GET /exports/{exportId}. */
export type ExportRef = z.output<typeof ExportRefSchema>;
export type ExportStatus = z.output<typeof ExportStatusSchema>;
export type Report = z.output<typeof ReportSchema>;
export type RatingPage = z.output<typeof RatingPageSchema>;
export type RatingPeriods = z.output<typeof RatingPeriodsSchema>;
export type InstitutionRating = z.output<typeof InstitutionRatingSchema>;
export type DoctorRatingPage = z.output<typeof DoctorRatingPageSchema>;
export type DoctorRating = z.output<typeof DoctorRatingSchema>;
export type RegionList = z.output<typeof RegionListSchema>;

// One list of ring families for server and workbench (a type-only import of ClaimSet comes with it, erased at build).
export { FAMILIES } from '../../../algorithms/detectors/types.ts';
