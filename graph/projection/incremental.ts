import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { claimId, type ClaimSet } from '../../algorithms/claim-set.ts';
import { REFERENCE_TABLES, mergeDelta, type Delta, type ProjectionState } from '../../algorithms/projection-state.ts';
import { loadEnv } from '../../config/env.ts';
import { logger } from '../../config/logger.ts';
import { SCHEMA_VERSION } from '../migrations/index.ts';
import {
  projectFull,
  readChangedClaims,
  readChangedTrace,
  readReferenceTable,
  readRegions,
  storeWatermark,
  type ProjectionOptions,
  type ProjectionProgress,
  type ProjectionScope,
  type Watermark,
} from './project-claims.ts';
import { readSnapshot, writeSnapshot } from './snapshot-file.ts';

/**
 * Incremental projection: the last projection of a scope is kept on disk (snapshot-file.ts) with the
 * watermark it was read at; the next run reads only what was written since — claims, and the
 * persons, cards, institutions, doctors and items whose ingest sequence is above the watermark
 * (graph/writes/ingest-sequence.ts) — and merges it (algorithms/projection-state.ts), which gives
 * exactly what a full projection would. It falls back to a full projection, and says why, when the
 * snapshot is missing, unreadable, from another snapshot format or schema version, from another store
 * or another life of the ingest sequence, for another scope, or when the merge cannot place a change
 * (node ids reused after deletes).
 *
 * A sliding window (`since` moving forward) reuses the snapshot of the same region and `until`: claims
 * it has left behind are dropped in memory. A window reaching further back than the snapshot needs a
 * full projection.
 */

export interface IncrementalResult {
  set: ClaimSet;
  mode: 'full' | 'incremental';
  /** why a full projection was made (absent for incremental) */
  reason?: string;
  /** claims and entities read as changed (incremental) */
  changed?: { claims: number; entities: number };
  /** seconds: the whole projection (reading, merging), writing the snapshot; for incremental also its parts */
  seconds: { project: number; snapshotWrite: number; snapshotRead?: number; delta?: number; merge?: number };
  snapshotBytes?: number;
}

export interface IncrementalOptions extends ProjectionOptions {
  /** folder of the snapshots, one per scope */
  dir: string;
  onProgress?: (p: ProjectionProgress) => void;
  /** skip writing the new snapshot (a benchmark measuring the read alone) */
  keepSnapshot?: boolean;
}

interface SnapshotMeta {
  schemaVersion: number;
  watermark: Watermark;
  scope: { region: string | null; since: string | null; until: string | null };
  /** first and last claim (node id, claimId): still there, still the same claims */
  ends: [number, string][];
  claims: number;
}

const scopeMeta = (s: ProjectionScope) => ({ region: s.region ?? null, since: s.since ?? null, until: s.until ?? null });

/** One snapshot file per region and end: a window sliding forward keeps its file. */
export function snapshotFile(dir: string, scope: ProjectionScope): string {
  const safe = (v: string) => v.replace(/[^0-9A-Za-z_-]/g, '_');
  return path.join(dir, `claims-${scope.region ? safe(scope.region) : 'all'}-${scope.until ? safe(scope.until) : 'open'}.snapshot`);
}

/** China-time day boundaries of a scope's period, as epoch seconds: claims t with from ≤ t < to. */
function periodBounds(scope: ProjectionScope): { from: number; to: number } {
  const day = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 1000 - 8 * 3600;
  return { from: scope.since ? day(scope.since) : -Infinity, to: scope.until ? day(scope.until) + 86_400 : Infinity };
}

function staleReason(meta: SnapshotMeta, now: Watermark, scope: ProjectionScope): string | undefined {
  if (meta.schemaVersion !== SCHEMA_VERSION) return `snapshot from schema version ${meta.schemaVersion}, the store is at ${SCHEMA_VERSION}`;
  if (meta.watermark.storeId !== now.storeId) return 'snapshot from another store';
  // A counter with another epoch started over (graph wiped and loaded again). A snapshot of a store
  // that only a bulk load had written (no counter yet, sequence 0) continues into the counter's first life.
  if (meta.watermark.epoch !== now.epoch && !(meta.watermark.epoch === null && meta.watermark.seq === 0)) return 'the ingest sequence started over since the snapshot';
  if (meta.watermark.seq > now.seq) return `snapshot watermark ${meta.watermark.seq} is ahead of the store's ${now.seq}`;
  if (meta.scope.region !== (scope.region ?? null) || meta.scope.until !== (scope.until ?? null)) return 'snapshot of another scope';
  if (meta.scope.since !== null && (scope.since === undefined || scope.since < meta.scope.since)) return `the period now starts before the snapshot's (${meta.scope.since})`;
  return undefined;
}

function toState(body: unknown): ProjectionState {
  return body as ProjectionState;
}

export async function projectIncremental(driver: Driver, scope: ProjectionScope, opts: IncrementalOptions): Promise<IncrementalResult> {
  const onProgress = opts.onProgress ?? (() => {});
  const started = performance.now();
  const file = snapshotFile(opts.dir, scope);
  let reason: string | undefined;
  let result: IncrementalResult | undefined;
  if (scope.claimsOf) reason = 'claims chosen by card and doctor: no snapshot';
  else if (!existsSync(file)) reason = 'no snapshot';
  else {
    try {
      const tRead = performance.now();
      const snap = readSnapshot(file);
      const snapshotRead = (performance.now() - tRead) / 1000;
      const meta = snap.meta as unknown as SnapshotMeta;
      const now = await storeWatermark(driver);
      reason = staleReason(meta, now, scope) ?? (await endsMoved(driver, meta));
      if (!reason) {
        const state = toState(snap.body);
        const since = meta.watermark.seq;
        const tDelta = performance.now();
        const changed = {} as Delta['changed'];
        let entities = 0;
        for (const t of REFERENCE_TABLES) {
          (changed as Record<string, unknown>)[t] = await readReferenceTable(driver, t, since);
          entities += changed[t].length;
        }
        const claims = await readChangedClaims(driver, scope, since);
        const trace = await readChangedTrace(driver, since);
        const { from, to } = periodBounds(scope);
        const delta: Delta = { regions: await readRegions(driver), changed, claims, trace, ...(scope.since || scope.until ? { keep: (t: number) => t >= from && t < to } : {}) };
        const tMerge = performance.now();
        const merged = mergeDelta(state, delta);
        const parts = { snapshotRead, delta: (tMerge - tDelta) / 1000, merge: (performance.now() - tMerge) / 1000 };
        if ('fallback' in merged) reason = merged.fallback;
        else {
          onProgress({ stage: 'claims', done: merged.state.set.claims.count, total: merged.state.set.claims.count });
          const project = (performance.now() - started) / 1000;
          // Nothing changed: the file on disk already is this projection (its older watermark only means
          // the next run asks again for the same nothing).
          const written = opts.keepSnapshot || merged.state === state ? { seconds: 0, bytes: undefined } : save(file, merged.state, now, scope);
          result = {
            set: merged.state.set,
            mode: 'incremental',
            changed: { claims: claims.length, entities },
            seconds: { project, snapshotWrite: written.seconds, ...parts },
            ...(written.bytes !== undefined ? { snapshotBytes: written.bytes } : {}),
          };
        }
      }
    } catch (e) {
      reason = `snapshot unreadable: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  if (result) return result;
  logger().info({ file, reason }, 'full projection');
  const t0 = performance.now();
  const full = await projectFull(driver, scope, onProgress, opts);
  const project = (performance.now() - t0) / 1000;
  let written: { seconds: number; bytes?: number } = { seconds: 0 };
  if (!scope.claimsOf && full.denormalised && !opts.keepSnapshot) written = save(file, full.state, full.watermark, scope);
  else if (!full.denormalised) reason = `${reason}; claims without denormalised keys (loaded before migration 10): no snapshot`;
  return {
    set: full.state.set,
    mode: 'full',
    reason: reason ?? 'no snapshot',
    seconds: { project, snapshotWrite: written.seconds },
    ...(written.bytes !== undefined ? { snapshotBytes: written.bytes } : {}),
  };
}

function save(file: string, state: ProjectionState, watermark: Watermark, scope: ProjectionScope): { seconds: number; bytes: number } {
  const t = performance.now();
  const ids = state.set.claims.id;
  const n = state.set.claims.count;
  const ends: [number, string][] = n ? [[state.nodes.claims[0]!, claimId(ids, 0)], [state.nodes.claims[n - 1]!, claimId(ids, n - 1)]] : [];
  const meta: SnapshotMeta = { schemaVersion: SCHEMA_VERSION, watermark, scope: scopeMeta(scope), ends, claims: n };
  const bytes = writeSnapshot(file, meta as unknown as Record<string, unknown>, state);
  return { seconds: (performance.now() - t) / 1000, bytes };
}

/** The snapshot's first and last claims must still be those nodes: deleted claims would otherwise linger. */
async function endsMoved(driver: Driver, meta: SnapshotMeta): Promise<string | undefined> {
  if (!meta.ends.length) return undefined;
  const { records } = await driver.executeQuery('UNWIND $ends AS e OPTIONAL MATCH (c:Claim) WHERE id(c) = e[0] RETURN e[1] AS want, c.claimId AS got', { ends: meta.ends });
  for (const r of records) if (r.get('want') !== r.get('got')) return `claim ${String(r.get('want'))} is no longer where the snapshot saw it`;
  return undefined;
}

/**
 * The projection of a detection run: incremental from the store's snapshot folder
 * (RINGLENS_PROJECTION_SNAPSHOTS, default <cache>/projection-snapshots/<store id>), or full when
 * snapshots are "off".
 */
export async function projectForRun(driver: Driver, scope: ProjectionScope, onProgress: (p: ProjectionProgress) => void = () => {}): Promise<IncrementalResult> {
  const env = loadEnv();
  if (env.RINGLENS_PROJECTION_SNAPSHOTS === 'off' || scope.claimsOf) {
    const t = performance.now();
    const full = await projectFull(driver, scope, onProgress);
    return { set: full.state.set, mode: 'full', reason: 'snapshots off', seconds: { project: (performance.now() - t) / 1000, snapshotWrite: 0 } };
  }
  const { storeId } = await storeWatermark(driver);
  const root = env.RINGLENS_PROJECTION_SNAPSHOTS ?? path.join(env.RINGLENS_CACHE_DIR, 'projection-snapshots');
  const r = await projectIncremental(driver, scope, { dir: path.join(root, storeId.replace(/[^0-9A-Za-z_-]/g, '_')), onProgress });
  logger().info({ mode: r.mode, reason: r.reason, changed: r.changed, seconds: r.seconds, claims: r.set.claims.count }, 'projection');
  return r;
}
