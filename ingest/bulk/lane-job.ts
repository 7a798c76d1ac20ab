import type { PlannedFile } from '../plan.ts';
import type { SourceOptions } from '../read/open-records.ts';
import type { FileSummary } from '../run-ingest.ts';
import type { RowKind } from '../validate/rows.ts';
import type { WrittenFile } from './layout.ts';

/** The two halves of a load that share no node lookups, so they validate in parallel threads. */
export type LaneName = 'entities' | 'lines';

export const laneOf = (kind: RowKind): LaneName => (kind === 'items' || kind === 'claim_items' ? 'lines' : 'entities');

export interface LaneJob {
  lane: LaneName;
  files: PlannedFile[];
  source: SourceOptions;
  /** A mapping file: the worker compiles it itself (a compiled row function cannot cross threads). */
  mappingFile: string | undefined;
  rejectsDir: string;
  maxRejectRate: number;
  outDir: string;
}

/** A file's accounting as the transactional ingest reports it, plus where its checkpoint would stand. */
export interface LaneFileSummary extends Pick<FileSummary, 'file' | 'kind' | 'read' | 'accepted' | 'rejected' | 'duplicates' | 'reasons' | 'rejectsFile' | 'seconds'> {
  /** Line of the last accepted row: where the transactional ingest's checkpoint would stand. */
  lastAcceptedLine: number | undefined;
}

export type LaneMessage =
  | { type: 'progress'; lane: LaneName; file: string; kind: RowKind; done: number; seconds: number }
  | { type: 'file-done'; summary: LaneFileSummary }
  | { type: 'done'; lane: LaneName; files: WrittenFile[]; multiline: boolean; repeatedKeys: number; cpuSeconds: number }
  /** Lines lane → main → entities lane: claim ids named by item lines, in slices. */
  | { type: 'claim-refs'; ids: string[] }
  | { type: 'claim-refs-end' }
  /** Entities lane: key-only Claim nodes for referenced claims no claims file held. */
  | { type: 'bare-claims'; file: WrittenFile | undefined };
