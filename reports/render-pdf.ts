import PDFDocument from 'pdfkit';
import { locateCjkFont, prepareCjkDocument, type CjkFont } from '../exports/pdf/fonts.ts';
import { drawChartPdf } from './charts.ts';
import type { ReportModel } from './model.ts';
import { caseCards, caseWindowLabel, CHANGE_LABEL, chinaMinute, familyName, institutionKind, money, periodLabel, regionLabel, reportCharts, summarySentence, translator } from './text.ts';

/**
 * The PDF report: A4, Chinese by default, the same embedded Noto Sans CJK subset as the case export
 * (exports/pdf/fonts.ts — a missing CJK font is an error, never tofu). Page one carries the summary,
 * key figures and trend charts; then money at risk, ring changes with workbench links, and the
 * institutions and doctors most involved.
 */

type Doc = PDFKit.PDFDocument;
const A4 = { w: 595.28, h: 841.89 };
const M = { top: 56, bottom: 56, left: 50, right: 50 };
const W = A4.w - M.left - M.right;
const RED = '#B71C1C';
const INK = '#1A1A1A';
const GREY = '#666666';
const RULE = '#CCCCCC';

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

function ensureSpace(doc: Doc, h: number): void {
  if (doc.y + h > A4.h - M.bottom) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 60);
  doc.moveDown(0.6);
  doc.font('cjk-bold').fontSize(13).fillColor(INK).text(text, M.left, doc.y, { width: W });
  const y = doc.y + 2;
  doc.moveTo(M.left, y).lineTo(M.left + W, y).lineWidth(1).strokeColor(RED).stroke();
  doc.y = y + 6;
}

/** A table whose cells may carry a link; rows never split across pages. */
function table(doc: Doc, cols: Column[], rows: { cells: string[]; link?: string }[]): void {
  const header = () => {
    let x = M.left;
    doc.font('cjk-bold').fontSize(8.5).fillColor(GREY);
    const y = doc.y;
    for (const c of cols) {
      doc.text(c.title, x + 2, y, { width: c.width - 4, align: c.align ?? 'left', lineBreak: false });
      x += c.width;
    }
    doc.y = y + 13;
    doc.moveTo(M.left, doc.y - 2).lineTo(M.left + W, doc.y - 2).lineWidth(0.5).strokeColor(RULE).stroke();
  };
  ensureSpace(doc, 40);
  header();
  doc.font('cjk').fontSize(8.5).fillColor(INK);
  for (const r of rows) {
    const h = Math.max(...r.cells.map((v, k) => doc.heightOfString(v, { width: cols[k]!.width - 4 }))) + 4;
    if (doc.y + h > A4.h - M.bottom) {
      doc.addPage();
      header();
      doc.font('cjk').fontSize(8.5).fillColor(INK);
    }
    const y = doc.y;
    let x = M.left;
    r.cells.forEach((v, k) => {
      const linked = k === 0 && r.link;
      doc.fillColor(linked ? '#1565C0' : INK).text(v, x + 2, y, { width: cols[k]!.width - 4, align: cols[k]!.align ?? 'left', ...(linked ? { link: r.link, underline: false } : {}) });
      x += cols[k]!.width;
    });
    doc.y = y + h;
    doc.moveTo(M.left, doc.y - 1).lineTo(M.left + W, doc.y - 1).lineWidth(0.3).strokeColor('#EEEEEE').stroke();
  }
  if (rows.length === 0) doc.font('cjk').fontSize(9).fillColor(GREY).text('—', M.left + 2, doc.y);
  doc.fillColor(INK);
}

export async function renderPdf(m: ReportModel, font: CjkFont = locateCjkFont()): Promise<Buffer> {
  const T = translator(m.lang);
  const doc: Doc = new PDFDocument({
    size: 'A4',
    margins: M,
    bufferPages: true,
    info: { Title: `${m.title} ${m.periodKey}`, Author: 'RingLens', Subject: m.reportId, Creator: 'RingLens', CreationDate: new Date(m.generatedAt) },
  });
  const { done } = prepareCjkDocument(doc, font);

  // Page one: title block, summary, key figures, trend.
  doc.font('cjk-bold').fontSize(20).fillColor(RED).text(m.title, M.left, M.top, { width: W });
  doc.font('cjk').fontSize(9.5).fillColor(GREY);
  doc.text(`${T('报告期', 'Period')}：${periodLabel(m, T)}    ${T('生成', 'Generated')}：${chinaMinute(m.generatedAt)}${T('（北京时间）', ' (China time)')}`, { width: W });
  doc.text(`${T('报告编号', 'Report')}：${m.reportId}    ${T('检测运行', 'Run')}：${m.run?.runId ?? '—'}${m.run ? `（${T('结算', 'claims')} ${m.run.claimCount.toLocaleString('en-US')}）` : ''}`, { width: W });
  doc.text(`${T('对比基线', 'Baseline')}：${m.baseline ? `${m.baseline.runId}（${chinaMinute(m.baseline.finishedAt)}）` : T('无（首次运行）', 'none (first run)')}`, { width: W });
  const ruleY = doc.y + 6;
  doc.moveTo(M.left, ruleY).lineTo(M.left + W, ruleY).lineWidth(1.5).strokeColor(RED).stroke();

  const sumY = ruleY + 12;
  const sentence = summarySentence(m, T);
  doc.font('cjk').fontSize(10.5);
  const sumH = doc.heightOfString(sentence, { width: W - 20 }) + 14;
  doc.rect(M.left, sumY, W, sumH).fill('#FFF8E1');
  doc.rect(M.left, sumY, 3, sumH).fill('#F9A825');
  doc.fillColor(INK).text(sentence, M.left + 12, sumY + 7, { width: W - 20 });

  const c = m.counts;
  const kpis: [string, string][] = [
    [String(c.active), T('在册团伙', 'active')],
    [String(c.new), T('新发现', 'new')],
    [String(c.grown), T('扩大', 'grown')],
    [String(c.shrunk), T('缩小', 'shrunk')],
    [String(c.dissolved), T('解散', 'dissolved')],
  ];
  const kpiY = sumY + sumH + 12;
  const boxW = (W - 4 * 8) / 5;
  kpis.forEach(([v, label], k) => {
    const x = M.left + k * (boxW + 8);
    doc.roundedRect(x, kpiY, boxW, 48, 4).lineWidth(0.6).strokeColor(RULE).stroke();
    doc.font('cjk-bold').fontSize(18).fillColor(k === 1 && c.new > 0 ? RED : INK).text(v, x, kpiY + 6, { width: boxW, align: 'center' });
    doc.font('cjk').fontSize(8.5).fillColor(GREY).text(label, x, kpiY + 31, { width: boxW, align: 'center' });
  });
  doc.font('cjk').fontSize(10).fillColor(INK).text(`${T('涉案基金支付合计', 'Fund money at risk')}：${money(m.moneyAtRisk.total)}`, M.left, kpiY + 58, { width: W });

  const charts = reportCharts(m, T);
  let y = doc.y + 10;
  y += drawChartPdf(doc, charts.ringsTrend, M.left, y, W, 'cjk') + 6;
  drawChartPdf(doc, charts.moneyTrend, M.left, y, W, 'cjk');

  doc.addPage();
  doc.y = M.top;
  heading(doc, T('涉案基金分布', 'Money at risk'));
  let cy = doc.y;
  cy += drawChartPdf(doc, charts.byRegion, M.left, cy, W, 'cjk') + 6;
  cy += drawChartPdf(doc, charts.byFamily, M.left, cy, W, 'cjk') + 6;
  doc.y = cy;
  table(
    doc,
    [
      { title: T('统筹区', 'Region'), width: 150 },
      { title: T('类型', 'Scenario'), width: 170 },
      { title: T('团伙数', 'Rings'), width: 60, align: 'right' },
      { title: T('基金支付', 'Fund paid'), width: W - 380, align: 'right' },
    ],
    m.moneyAtRisk.byRegionAndFamily.map((r) => ({ cells: [regionLabel(r), familyName(m, r.family), String(r.rings), money(r.fundPaid)] })),
  );

  heading(doc, T('案件办理', 'Case workflow'));
  doc.font('cjk').fontSize(9).fillColor(GREY).text(caseWindowLabel(m, T), M.left, doc.y, { width: W });
  doc.moveDown(0.3);
  table(
    doc,
    [
      { title: T('指标', 'Figure'), width: 300 },
      { title: T('件数', 'Cases'), width: W - 300, align: 'right' },
    ],
    caseCards(m, T).map(([v, label]) => ({ cells: [label, String(v)] })),
  );

  for (const kind of ['new', 'grown', 'shrunk', 'dissolved', 'top'] as const) {
    const rows = kind === 'top' ? m.topRings : m.changes[kind];
    heading(doc, `${T(CHANGE_LABEL[kind]![0], CHANGE_LABEL[kind]![1])}（${rows.length}）`);
    table(
      doc,
      [
        { title: T('团伙（点击打开工作台）', 'Ring (opens the workbench)'), width: 178 },
        { title: T('类型', 'Scenario'), width: 95 },
        { title: T('统筹区', 'Region'), width: 72 },
        { title: T('评分', 'Score'), width: 34, align: 'right' },
        { title: T('成员', 'Members'), width: 46, align: 'right' },
        { title: T('基金支付', 'Fund paid'), width: W - 425, align: 'right' },
      ],
      rows.map((r) => ({
        link: r.url,
        cells: [r.ringId, familyName(m, r.family), regionLabel(r), r.score?.toFixed(1) ?? '—', kind === 'new' || kind === 'top' ? String(r.memberCount) : `${r.previousMemberCount ?? '—'} → ${r.memberCount}`, money(r.fundPaid)],
      })),
    );
  }
  for (const [kind, rows] of [['institution', m.topInstitutions], ['doctor', m.topDoctors]] as const) {
    heading(doc, kind === 'institution' ? T('涉及团伙最多的机构', 'Institutions most involved in rings') : T('涉及团伙最多的医生', 'Doctors most involved in rings'));
    table(
      doc,
      [
        { title: kind === 'institution' ? T('机构', 'Institution') : T('医生', 'Doctor'), width: 170 },
        { title: kind === 'institution' ? T('类别', 'Kind') : T('所在机构', 'Institution'), width: 95 },
        { title: T('涉及团伙', 'Rings'), width: 55, align: 'right' },
        { title: T('证据结算', 'Claims'), width: 60, align: 'right' },
        { title: T('基金支付', 'Fund paid'), width: W - 380, align: 'right' },
      ],
      rows.map((r) => ({ cells: [`${r.name ?? ''} ${r.code}`.trim(), kind === 'institution' ? institutionKind(m, r.detail) : (r.detail ?? ''), String(r.rings), String(r.claims), money(r.fundPaid)] })),
    );
  }

  // Credit bands of institutions (docs/rating.md): the distribution and who moved down.
  const credit = m.credit;
  heading(doc, credit ? `${T('机构信用等级分布', 'Institution credit bands')}（${credit.period}）` : T('机构信用等级', 'Institution credit bands'));
  if (!credit) {
    table(doc, [{ title: T('尚未评价', 'Not rated yet'), width: W }], []);
  } else {
    const total = credit.bands.reduce((s, b) => s + b.count, 0) + credit.notRated;
    table(
      doc,
      [
        { title: T('等级', 'Band'), width: 150 },
        { title: T('机构数', 'Institutions'), width: 100, align: 'right' },
        { title: T('占比', 'Share'), width: W - 250, align: 'right' },
      ],
      [...credit.bands.map((b) => ({ cells: [`${b.code} ${T(b.name.zh, b.name.en)}`, String(b.count), total ? `${Math.round((100 * b.count) / total)}%` : '—'] })), ...(credit.notRated ? [{ cells: [T('未评', 'not rated'), String(credit.notRated), total ? `${Math.round((100 * credit.notRated) / total)}%` : '—'] }] : [])],
    );
    heading(doc, `${T('信用等级下降的机构', 'Institutions that moved down')}（${credit.movedDown.length}）`);
    table(
      doc,
      [
        { title: T('机构', 'Institution'), width: 250 },
        { title: credit.previousPeriod ?? T('上一期', 'previous'), width: 110 },
        { title: credit.period, width: W - 360 },
      ],
      credit.movedDown.map((r) => ({ cells: [`${r.name ?? ''} ${r.code}`.trim(), `${r.from} ${r.scoreFrom?.toFixed(1) ?? ''}`, `${r.to} ${r.scoreTo?.toFixed(1) ?? ''}`] })),
    );
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('cjk').fontSize(8).fillColor(GREY);
    doc.text(`RingLens · ${m.title} · ${m.periodKey}`, M.left, A4.h - 36, { width: W / 2, lineBreak: false });
    doc.text(T(`第 ${i - range.start + 1} 页 共 ${range.count} 页`, `Page ${i - range.start + 1} of ${range.count}`), M.left + W / 2, A4.h - 36, { width: W / 2, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
