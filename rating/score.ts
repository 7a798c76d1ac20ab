/**
 * From indicator values to points, scores and bands (pure). Peer scoring compares a subject with the
 * others of its narrowest peer group that is large enough (leave-one-out: never with itself): an
 * institution with those of the same kind and level, then the same kind; a doctor with those of the same
 * department at institutions of the same kind and level, then the same department and kind, then the same
 * department — and every subject rated when no group reaches the model's `minPeers`.
 */
import type { IndicatorDef, RatingModel } from './model.ts';

export interface Note {
  zh: string;
  en: string;
}

export const say = (zh: string, en: string): Note => ({ zh, en });

const KIND_ZH: Record<string, string> = { hospital: '医院', clinic: '诊所', pharmacy: '药店' };

export interface IndicatorValue {
  /** undefined: missing (nothing imported, nothing to measure) — never counted as zero */
  value: number | undefined;
  /** why it is missing, or notes on how it was computed, in both languages */
  note?: Note | undefined;
  /** the numbers behind the value, shown in the breakdown */
  detail?: Record<string, unknown>;
}

export interface Subject {
  code: string;
  name: string | null;
  kind: string | null;
  level: string | null;
  region: string | null;
  /**
   * Peer groups from narrowest to broadest (`group` names it in the breakdown, `key` says who is in it);
   * default: an institution's kind and level, then its kind. Every subject rated is the last resort.
   */
  peerGroups?: { group: PeerGroup; key: string }[];
  /** indicator id → value (indicators not applicable to the kind are skipped) */
  values: Record<string, IndicatorValue>;
}

export const PEER_GROUPS = ['kind-level', 'kind', 'department-kind-level', 'department-kind', 'department', 'all'] as const;
export type PeerGroup = (typeof PEER_GROUPS)[number];

/** An institution's peer groups: same kind and level, then same kind. */
export function institutionPeerGroups(kind: string | null, level: string | null): { group: PeerGroup; key: string }[] {
  return [
    { group: 'kind-level', key: `${kind}|${level}` },
    { group: 'kind', key: `${kind}` },
  ];
}

export type LineStatus = 'scored' | 'missing' | 'not-applicable';

export interface RatingLine {
  indicator: string;
  category: string;
  group: string | null;
  source: 'computed' | 'imported';
  status: LineStatus;
  value: number | null;
  points: number | null;
  maxPoints: number;
  note: Note | null;
  peer: { group: PeerGroup; n: number; median: number; spread: number; z: number } | null;
  detail: Record<string, unknown> | null;
}

export interface Rating {
  code: string;
  /** 0–scale, rounded to one decimal; null when coverage is below the model's minimum */
  score: number | null;
  band: string | null;
  /** points evaluated / scale */
  coverage: number;
  earned: number;
  evaluated: number;
  lines: RatingLine[];
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Robust location and spread: median and 1.4826 × median absolute deviation. */
export function robustStats(xs: readonly number[]): { median: number; spread: number } {
  const m = median(xs);
  return { median: m, spread: 1.4826 * median(xs.map((x) => Math.abs(x - m))) };
}

/** Linear between best (full points) and worst (none), clamped; works in either direction. */
export function linearPoints(value: number, best: number, worst: number, max: number): number {
  return max * clamp01((value - worst) / (best - worst));
}

/** Points from a robust z-score: full up to `fullWithin`, none from `zeroAt`, linear between. */
export function peerPoints(z: number, fullWithin: number, zeroAt: number, max: number): number {
  return max * clamp01((zeroAt - z) / (zeroAt - fullWithin));
}

export function bandOf(score: number, bands: RatingModel['bands']): string {
  for (const b of bands) if (score >= b.min) return b.code;
  return bands.at(-1)!.code;
}

const applies = (ind: IndicatorDef, kind: string | null) => kind !== null && (ind.appliesTo as readonly string[]).includes(kind);

/** Rates every subject with the model. Subjects are each other's peers. */
export function rateAll(model: RatingModel, subjects: readonly Subject[]): Rating[] {
  const groupsOf = (s: Subject) => s.peerGroups ?? institutionPeerGroups(s.kind, s.level);
  // Peer values per indicator, with the keys of the groups each subject belongs to.
  type PeerValue = { code: string; keys: Map<PeerGroup, string>; value: number };
  const peerValues = new Map<string, PeerValue[]>();
  for (const ind of model.indicators) {
    if (ind.scoring.method !== 'peer') continue;
    const list: PeerValue[] = [];
    for (const s of subjects) {
      const v = s.values[ind.id]?.value;
      if (applies(ind, s.kind) && v !== undefined && Number.isFinite(v)) list.push({ code: s.code, keys: new Map(groupsOf(s).map((g) => [g.group, g.key])), value: v });
    }
    peerValues.set(ind.id, list);
  }

  return subjects.map((s) => {
    const lines: RatingLine[] = model.indicators.map((ind) => {
      const base = {
        indicator: ind.id,
        category: ind.category,
        group: ind.group ?? null,
        source: 'imported' in ind.source ? ('imported' as const) : ('computed' as const),
        maxPoints: ind.points,
      };
      if (!applies(ind, s.kind)) return { ...base, status: 'not-applicable', value: null, points: null, note: say(`不评价${KIND_ZH[s.kind ?? ''] ?? '未知类型机构'}`, `not rated for ${s.kind ?? 'an unknown kind'}`), peer: null, detail: null };
      const v = s.values[ind.id];
      if (v?.value === undefined || !Number.isFinite(v.value)) {
        return { ...base, status: 'missing', value: null, points: null, note: v?.note ?? (base.source === 'imported' ? say('本期未导入', 'not imported for this period') : say('无值', 'no value')), peer: null, detail: v?.detail ?? null };
      }
      const value = v.value;
      let points: number;
      let peer: RatingLine['peer'] = null;
      const rule = ind.scoring;
      if (rule.method === 'direct') points = Math.min(ind.points, Math.max(0, value));
      else if (rule.method === 'linear') points = linearPoints(value, rule.best, rule.worst, ind.points);
      else {
        const all = (peerValues.get(ind.id) ?? []).filter((p) => p.code !== s.code);
        let group: PeerGroup = 'all';
        let peers = all;
        for (const g of groupsOf(s)) {
          const inGroup = all.filter((p) => p.keys.get(g.group) === g.key);
          if (inGroup.length >= rule.minPeers) {
            group = g.group;
            peers = inGroup;
            break;
          }
        }
        if (peers.length < 2) {
          return { ...base, status: 'missing', value: round(value, 6), points: null, note: say(`可比同类机构过少（${peers.length} 家）`, `too few peers (${peers.length}) to compare with`), peer: null, detail: v.detail ?? null };
        }
        const stats = robustStats(peers.map((p) => p.value));
        const spread = Math.max(stats.spread, rule.minSpread);
        const z = (rule.direction === 'lower-better' ? value - stats.median : stats.median - value) / spread;
        points = peerPoints(z, rule.fullWithin, rule.zeroAt, ind.points);
        peer = { group, n: peers.length, median: round(stats.median, 6), spread: round(spread, 6), z: round(z, 3) };
      }
      return { ...base, status: 'scored', value: round(value, 6), points: round(points, 2), note: v.note ?? null, peer, detail: v.detail ?? null };
    });
    const scored = lines.filter((l) => l.status === 'scored');
    const earned = scored.reduce((sum, l) => sum + (l.points ?? 0), 0);
    const evaluated = scored.reduce((sum, l) => sum + l.maxPoints, 0);
    const coverage = evaluated / model.scale;
    const score = coverage >= model.minCoverage && evaluated > 0 ? Math.round((earned / evaluated) * model.scale * 10) / 10 : null;
    return { code: s.code, score, band: score === null ? null : bandOf(score, model.bands), coverage: round(coverage), earned: round(earned, 2), evaluated, lines };
  });
}

/** Spearman rank correlation (average ranks for ties); NaN when either side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error('spearman: arrays of different length');
  const rank = (v: readonly number[]) => {
    const idx = v.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length; ) {
      let j = i;
      while (j + 1 < idx.length && idx[j + 1]!.value === idx[i]!.value) j++;
      for (let k = i; k <= j; k++) r[idx[k]!.i] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  const mx = rx.reduce((s, v) => s + v, 0) / n;
  const my = ry.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
