import { FAMILY, INSTITUTION_KIND, say } from '../exports/labels.ts';
import { barChart, horizontalBars, lineChart, type Chart } from './charts.ts';
import type { ReportModel } from './model.ts';

/** Words and charts every report format shares, in the report's language. */

export type Tr = (zh: string, en: string) => string;
export const translator = (lang: 'zh' | 'en'): Tr => (zh, en) => (lang === 'zh' ? zh : en);

export const money = (v: number) => `¥${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** China wall-clock time of an ISO instant, to the minute. */
export const chinaMinute = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
};

export const familyName = (m: ReportModel, f: string) => say(FAMILY, f, m.lang);
export const institutionKind = (m: ReportModel, k: string | null) => say(INSTITUTION_KIND, k, m.lang);
export const regionLabel = (r: { region: string | null; regionName: string | null }) => [r.regionName, r.region].filter(Boolean).join(' ') || '—';

export function periodLabel(m: ReportModel, T: Tr): string {
  const unit: Record<string, [string, string]> = { minute: ['分钟', 'minute'], hour: ['小时', 'hour'], day: ['日', 'day'], week: ['周', 'week'], month: ['月', 'month'] };
  const u = unit[m.periodUnit] ?? [m.periodUnit, m.periodUnit];
  return `${m.periodKey}${T(`（${u[0]}报）`, ` (${u[1]})`)}`;
}

export const CHANGE_LABEL: Record<string, [string, string]> = {
  new: ['新发现团伙', 'New rings'],
  grown: ['扩大的团伙', 'Grown rings'],
  shrunk: ['缩小的团伙', 'Shrunk rings'],
  dissolved: ['已解散团伙', 'Dissolved rings'],
  unchanged: ['无变化', 'Unchanged'],
  top: ['评分最高的在册团伙', 'Highest-scoring active rings'],
};

export function summarySentence(m: ReportModel, T: Tr): string {
  if (!m.run) return T('尚无检测运行，本期无团伙数据。', 'No detection run exists yet; this report has no ring data.');
  const c = m.counts;
  const base = m.baseline ? T(`与 ${chinaMinute(m.baseline.finishedAt)} 的运行相比`, `Compared with the run of ${chinaMinute(m.baseline.finishedAt)}`) : T('首次运行', 'First run');
  return T(
    `${base}：当前在册团伙 ${c.active} 个，新发现 ${c.new} 个，扩大 ${c.grown} 个，缩小 ${c.shrunk} 个，解散 ${c.dissolved} 个；涉及基金支付 ${money(m.moneyAtRisk.total)}。`,
    `${base}: ${c.active} active rings — ${c.new} new, ${c.grown} grown, ${c.shrunk} shrunk, ${c.dissolved} dissolved; fund money at risk ${money(m.moneyAtRisk.total)}.`,
  );
}

export function reportCharts(m: ReportModel, T: Tr): { ringsTrend: Chart; moneyTrend: Chart; byRegion: Chart; byFamily: Chart } {
  // Month-day and time: nightly runs differ by day, runs started by hand often by hours.
  const label = (iso: string) => chinaMinute(iso).slice(5, 16);
  const current = m.run?.runId;
  return {
    ringsTrend: barChart(T('各次运行的在册团伙数', 'Active rings per run'), m.trend.map((t) => ({ label: label(t.finishedAt), value: t.rings, highlight: t.runId === current }))),
    moneyTrend: lineChart(T('各次运行的涉案基金（元）', 'Fund money at risk per run (¥)'), m.trend.map((t) => ({ label: label(t.finishedAt), value: t.fundPaid, highlight: t.runId === current }))),
    byRegion: horizontalBars(
      T('按统筹区的涉案基金', 'Fund money at risk by pooling region'),
      m.moneyAtRisk.byRegion.slice(0, 12).map((r) => ({ label: regionLabel(r), value: r.fundPaid, note: `${money(r.fundPaid)} · ${r.rings}${T(' 个', ' rings')}` })),
    ),
    byFamily: horizontalBars(
      T('按欺诈类型的涉案基金', 'Fund money at risk by scenario'),
      m.moneyAtRisk.byFamily.map((r) => ({ label: familyName(m, r.family), value: r.fundPaid, note: `${money(r.fundPaid)} · ${r.rings}${T(' 个', ' rings')}` })),
    ),
  };
}

/** The case-workflow figures of a report as [value, label] cards, in the report's language. */
export function caseCards(m: ReportModel, T: Tr): [number, string][] {
  const c = m.cases;
  return [
    [c.opened, T('新立案', 'opened')],
    [c.confirmed, T('确认欺诈', 'confirmed')],
    [c.referred, T('移送公安', 'referred')],
    [c.dismissed, T('排除误报', 'dismissed')],
    [c.open, T('在办案件', 'open now')],
    [c.overdue, T(`超期未决（立案超过 ${c.overdueDays} 天）`, `overdue (undecided > ${c.overdueDays} days)`)],
  ];
}

export function caseWindowLabel(m: ReportModel, T: Tr): string {
  return T(`${chinaMinute(m.cases.from)} 至 ${chinaMinute(m.cases.to)}（北京时间）；未分配在办案件 ${m.cases.unassigned} 件`, `${chinaMinute(m.cases.from)} to ${chinaMinute(m.cases.to)} (China time); ${m.cases.unassigned} open cases unassigned`);
}
