/**
 * Indicator values of one institution or doctor from the facts the graph holds about it (pure): which of
 * the functions of rating/indicators.ts each computed indicator of the model calls, and with what. A
 * doctor's facts have the same shape over the doctor's own claims (attended, or prescriptions filled
 * elsewhere), so both subjects share the indicator functions.
 */
import { codeMismatchClaims, epochDay, growth, herfindahl, overTestingClaims, readmissions, ringShare, ruleSignalRate, type ItemLine, type RingClaim, type Stay, type TestLine } from './indicators.ts';
import type { RatingModel, RuleSignal } from './model.ts';
import type { Period } from './period.ts';
import { say, type IndicatorValue, type PeerGroup, type Subject } from './score.ts';

export interface InstitutionFacts {
  code: string;
  name: string | null;
  kind: string | null;
  level: string | null;
  region: string | null;
  current: { claims: number; patients: number; fund: number };
  previous: { claims: number; fund: number };
  /** claims of the period that are evidence of active rings */
  ringClaims: RingClaim[];
  /** item lines of the period with a restricted item (level, gender or age) */
  restrictedLines: ItemLine[];
  /** inpatient stays from the previous period's start (minus the window) to the period's end (plus it) */
  stays: Stay[];
  /** HbA1c lines of the period */
  tests: TestLine[];
  /** external-prescription fills of the period per counterpart (prescribing doctor, or filling pharmacy) */
  fills: number[];
  /** imported indicator id → value; null: imported as missing (an empty value in the file) */
  imported: Record<string, number | null>;
  /** peer groups, narrowest first (default: the institution's kind and level, then kind) */
  peerGroups?: { group: PeerGroup; key: string }[];
  /**
   * A doctor's facts: `stays` are all of the institution's stays (a readmission follows a stay whoever
   * attended it), and split stays count only the readmissions this doctor attended (`Stay.doctor`).
   */
  splitStaysOf?: string;
}

/** The facts of a rating subject (an institution, or a doctor over the doctor's own claims). */
export type SubjectFacts = InstitutionFacts;

// Doctors of one institution share its stay list: their split stays are computed once per list.
const splitMemo = new WeakMap<readonly Stay[], Map<string, Set<string>>>();
function splitClaims(stays: readonly Stay[], days: number, from: number, to: number): Set<string> {
  const key = `${days}|${from}|${to}`;
  let m = splitMemo.get(stays);
  if (!m) splitMemo.set(stays, (m = new Map()));
  let out = m.get(key);
  if (!out) m.set(key, (out = readmissions(stays, days, from, to).splitClaims));
  return out;
}

/** Claims of split stays the doctor attended: readmissions at the institution whose claim is the doctor's. */
function splitClaimsOf(stays: readonly Stay[], doctor: string, days: number, from: number, to: number): Set<string> {
  const all = splitClaims(stays, days, from, to);
  const own = new Set<string>();
  for (const s of stays) if (s.doctor === doctor && all.has(s.claimId)) own.add(s.claimId);
  return own;
}

const share = (x: number) => Math.round(x * 1e6) / 1e6;

export function indicatorValues(model: RatingModel, f: InstitutionFacts, period: Period, previous: Period): Subject {
  const values: Record<string, IndicatorValue> = {};
  const from = epochDay(period.start);
  const to = epochDay(period.end);
  const prevFrom = epochDay(previous.start);
  for (const ind of model.indicators) {
    const src = ind.source;
    if ('imported' in src) {
      const v = f.imported[src.imported];
      values[ind.id] =
        v === undefined
          ? { value: undefined, note: say(`${period.key} 未导入“${src.imported}”`, `"${src.imported}" not imported for ${period.key}`), detail: { missing: 'not-imported' } }
          : v === null
            ? { value: undefined, note: say(`${period.key} 导入的“${src.imported}”为空（缺失）`, `"${src.imported}" imported as missing for ${period.key}`), detail: { missing: 'imported-empty' } }
            : { value: v };
      continue;
    }
    switch (src.computed) {
      case 'ring-patient-share':
      case 'ring-fund-share': {
        const r = ringShare(f.ringClaims, { patients: f.current.patients, fund: f.current.fund }, src.params);
        if (!r) values[ind.id] = { value: undefined, note: say(`${period.key} 无结算`, `no claims in ${period.key}`) };
        else
          values[ind.id] = {
            value: src.computed === 'ring-patient-share' ? r.patientShare : r.fundShare,
            detail: {
              patients: f.current.patients,
              fund: Math.round(f.current.fund * 100) / 100,
              byFamily: r.byFamily.map((b) => ({ ...b, fund: Math.round(b.fund * 100) / 100, patientShare: share(b.patientShare), fundShare: share(b.fundShare) })),
            },
          };
        break;
      }
      case 'rule-signal-rate': {
        const flagged: Partial<Record<RuleSignal, ReadonlySet<string>>> = {};
        for (const signal of src.params.signals) {
          if (signal === 'code-mismatch') flagged[signal] = codeMismatchClaims(f.restrictedLines);
          else if (signal === 'split-stay')
            flagged[signal] = f.splitStaysOf === undefined ? readmissions(f.stays, src.params.readmissionDays, from, to).splitClaims : splitClaimsOf(f.stays, f.splitStaysOf, src.params.readmissionDays, from, to);
          else flagged[signal] = overTestingClaims(f.tests, src.params.hba1cPerYear, to - from);
        }
        const r = ruleSignalRate(f.current.claims, flagged);
        values[ind.id] = r ? { value: r.rate, detail: { claims: f.current.claims, signals: r.counts } } : { value: undefined, note: say(`${period.key} 无结算`, `no claims in ${period.key}`) };
        break;
      }
      case 'fund-growth': {
        const g = growth(f.current.fund, f.previous.fund);
        values[ind.id] = { value: g, note: g === undefined ? say(`${previous.key} 无基金支付，无从比较`, `no fund use in ${previous.key} to compare with`) : undefined, detail: { current: Math.round(f.current.fund * 100) / 100, previous: Math.round(f.previous.fund * 100) / 100, previousPeriod: previous.key } };
        break;
      }
      case 'service-growth': {
        const g = growth(f.current.claims, f.previous.claims);
        values[ind.id] = { value: g, note: g === undefined ? say(`${previous.key} 无结算，无从比较`, `no settlements in ${previous.key} to compare with`) : undefined, detail: { current: f.current.claims, previous: f.previous.claims, previousPeriod: previous.key } };
        break;
      }
      case 'readmission-rate':
      case 'readmission-growth': {
        const now = readmissions(f.stays, src.params.days, from, to);
        const rate = now.stays > 0 ? now.readmitted / now.stays : undefined;
        if (src.computed === 'readmission-rate') {
          values[ind.id] = { value: rate, note: rate === undefined ? say(`${period.key} 无出院的住院`, `no inpatient stays discharged in ${period.key}`) : undefined, detail: { stays: now.stays, readmitted: now.readmitted, days: src.params.days } };
        } else {
          const before = readmissions(f.stays, src.params.days, prevFrom, from);
          const prevRate = before.stays > 0 ? before.readmitted / before.stays : undefined;
          values[ind.id] =
            rate === undefined || prevRate === undefined
              ? { value: undefined, note: say(`需要 ${previous.key} 与 ${period.key} 都有住院`, `needs inpatient stays in both ${previous.key} and ${period.key}`) }
              : { value: rate - prevRate, detail: { rate: share(rate), previousRate: share(prevRate), previousPeriod: previous.key } };
        }
        break;
      }
      case 'prescription-concentration': {
        const min = src.params.minFills;
        const h = herfindahl(f.fills, min);
        const total = f.fills.reduce((s, c) => s + c, 0);
        values[ind.id] = { value: h, note: h === undefined ? say(`${period.key} 外配处方取药 ${total} 笔（至少需 ${min} 笔）`, `${total} external-prescription fills in ${period.key} (needs ${min})`) : undefined, detail: { fills: total, counterparts: f.fills.length, top: f.fills.length ? Math.max(...f.fills) : 0 } };
        break;
      }
    }
  }
  return { code: f.code, name: f.name, kind: f.kind, level: f.level, region: f.region, ...(f.peerGroups ? { peerGroups: f.peerGroups } : {}), values };
}
