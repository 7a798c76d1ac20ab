import type { Driver } from 'neo4j-driver';
import {
  baselineRun,
  moneyAtRisk,
  ringChanges,
  runTrend,
  topInvolvement,
  type ChangeKind,
  type InvolvementRow,
  type MoneyRow,
  type RingChangeRow,
  type RunRef,
  type TrendPoint,
} from '../graph/reports/report-data.ts';
import { caseFigures, type CaseFigures } from '../graph/cases/cases.ts';
import { CASE_OVERDUE_DAYS } from '../cases/workflow.ts';
import { bandMoves, latestRatedPeriod, listRatingPeriods } from '../graph/rating/store.ts';
import { loadRatingModel } from '../rating/load.ts';
import { previousPeriod } from '../rating/period.ts';

/**
 * The content of one scheduled report, independent of its format: the HTML, PDF and JSON renderers
 * all draw from this object, and the JSON file is this object.
 */

export interface ReportHeader {
  reportId: string;
  scheduleId: string;
  title: string;
  periodKey: string;
  periodUnit: string;
  lang: 'zh' | 'en';
  firedAt: string;
  generatedAt: string;
  /** where the workbench lives; ring links are `${workbenchUrl}/rings/<ringId>` */
  workbenchUrl: string;
}

export interface ReportModel extends ReportHeader {
  formatVersion: 1;
  run: RunRef | null;
  baseline: RunRef | null;
  counts: Record<ChangeKind, number> & { active: number };
  /** fund money (基金支付) in the run's rings */
  moneyAtRisk: { total: number; byRegion: { region: string | null; regionName: string | null; rings: number; fundPaid: number }[]; byFamily: { family: string; rings: number; fundPaid: number }[]; byRegionAndFamily: MoneyRow[] };
  changes: Record<Exclude<ChangeKind, 'unchanged'>, (RingChangeRow & { url: string })[]>;
  /** the run's highest-scoring rings, whatever changed, with workbench links */
  topRings: (RingChangeRow & { url: string })[];
  topInstitutions: InvolvementRow[];
  topDoctors: InvolvementRow[];
  trend: TrendPoint[];
  /** the case workflow over the report's window (one period up to the fire time) and the caseload at its end */
  cases: CaseFigures;
  /**
   * Credit ratings of institutions (docs/rating.md): the latest rated period's band distribution and the
   * institutions whose band fell since the period before; null when nothing has been rated yet.
   */
  credit: CreditSection | null;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/**
 * The window a report's case figures cover: the one period before the report fired — a weekly report
 * fired on Monday 03:00 counts the cases of the seven days before it, a monthly one the month before.
 */
export function caseWindow(periodUnit: string, firedAt: string): { from: string; to: string } {
  const to = new Date(firedAt);
  if (Number.isNaN(to.getTime())) throw new Error(`report fired at ${firedAt}: not a time`);
  let from: Date;
  if (periodUnit === 'month') {
    from = new Date(to);
    from.setUTCMonth(from.getUTCMonth() - 1);
  } else {
    const ms = UNIT_MS[periodUnit];
    if (!ms) throw new Error(`report period ${periodUnit}: not a period unit`);
    from = new Date(to.getTime() - ms);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

export interface CreditSection {
  period: string;
  previousPeriod: string | null;
  bands: { code: string; name: { zh: string; en: string }; count: number }[];
  notRated: number;
  movedDown: { code: string; name: string | null; from: string; to: string; scoreFrom: number | null; scoreTo: number | null }[];
}

/** The credit section of a report: band distribution of the latest rated period, institutions that moved down. */
export async function creditSection(driver: Driver): Promise<CreditSection | null> {
  const model = loadRatingModel();
  const period = await latestRatedPeriod(driver, model.id);
  if (!period) return null;
  const periods = await listRatingPeriods(driver);
  const current = periods.find((p) => p.period === period && p.modelId === model.id);
  const prevKey = previousPeriod(period).key;
  const previous = periods.some((p) => p.period === prevKey && p.modelId === model.id) ? prevKey : null;
  const counts = current?.bands ?? {};
  return {
    period,
    previousPeriod: previous,
    bands: model.bands.map((b) => ({ code: b.code, name: b.name, count: counts[b.code] ?? 0 })),
    notRated: counts.none ?? 0,
    movedDown: previous ? await bandMoves(driver, period, previous, model.bands.map((b) => b.code)) : [],
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

function sumBy<K extends string>(rows: MoneyRow[], key: (r: MoneyRow) => string, extra: (r: MoneyRow) => Record<K, string | null>) {
  const m = new Map<string, { rings: number; fundPaid: number; extra: Record<K, string | null> }>();
  for (const r of rows) {
    const k = key(r);
    const e = m.get(k) ?? { rings: 0, fundPaid: 0, extra: extra(r) };
    e.rings += r.rings;
    e.fundPaid += r.fundPaid;
    m.set(k, e);
  }
  return [...m.values()].map((e) => ({ ...e.extra, rings: e.rings, fundPaid: round2(e.fundPaid) })).sort((a, b) => b.fundPaid - a.fundPaid);
}

/** Builds the report for `run` (null: no detection run exists yet — the report says so). */
export async function buildReportModel(driver: Driver, header: ReportHeader, run: RunRef | null): Promise<ReportModel> {
  const empty = { new: [], grown: [], shrunk: [], dissolved: [] };
  const window = caseWindow(header.periodUnit, header.firedAt);
  const cases = await caseFigures(driver, window.from, window.to, CASE_OVERDUE_DAYS);
  if (!run) {
    return {
      ...header,
      formatVersion: 1,
      run: null,
      baseline: null,
      counts: { active: 0, new: 0, grown: 0, shrunk: 0, unchanged: 0, dissolved: 0 },
      moneyAtRisk: { total: 0, byRegion: [], byFamily: [], byRegionAndFamily: [] },
      changes: empty,
      topRings: [],
      topInstitutions: [],
      topDoctors: [],
      trend: [],
      cases,
      credit: await creditSection(driver),
    };
  }
  const baseline = await baselineRun(driver, header.scheduleId, header.periodKey, run);
  const [rows, money, institutions, doctors, trend, credit] = await Promise.all([
    ringChanges(driver, run.runId, baseline?.runId ?? null),
    moneyAtRisk(driver, run.runId),
    topInvolvement(driver, run.runId, 'institution'),
    topInvolvement(driver, run.runId, 'doctor'),
    runTrend(driver, run.runId),
    creditSection(driver),
  ]);
  const counts: ReportModel['counts'] = { active: 0, new: 0, grown: 0, shrunk: 0, unchanged: 0, dissolved: 0 };
  const changes: ReportModel['changes'] = { new: [], grown: [], shrunk: [], dissolved: [] };
  const linked = (r: RingChangeRow) => ({ ...r, fundPaid: round2(r.fundPaid), url: `${header.workbenchUrl}/rings/${encodeURIComponent(r.ringId)}` });
  for (const r of rows) {
    counts[r.change]++;
    if (r.change !== 'dissolved') counts.active++;
    if (r.change !== 'unchanged') changes[r.change].push(linked(r));
  }
  const topRings = rows
    .filter((r) => r.change !== 'dissolved')
    .sort((a, b) => b.score - a.score || b.fundPaid - a.fundPaid || a.ringId.localeCompare(b.ringId))
    .slice(0, 20)
    .map(linked);
  return {
    ...header,
    formatVersion: 1,
    run,
    baseline,
    counts,
    moneyAtRisk: {
      total: round2(money.reduce((s, r) => s + r.fundPaid, 0)),
      byRegion: sumBy(money, (r) => r.region ?? '', (r) => ({ region: r.region, regionName: r.regionName })),
      byFamily: sumBy(money, (r) => r.family, (r) => ({ family: r.family })) as { family: string; rings: number; fundPaid: number }[],
      byRegionAndFamily: money.map((r) => ({ ...r, fundPaid: round2(r.fundPaid) })),
    },
    changes,
    topRings,
    topInstitutions: institutions.map((r) => ({ ...r, fundPaid: round2(r.fundPaid) })),
    topDoctors: doctors.map((r) => ({ ...r, fundPaid: round2(r.fundPaid) })),
    trend: trend.map((t) => ({ ...t, fundPaid: round2(t.fundPaid) })),
    cases,
    credit,
  };
}
