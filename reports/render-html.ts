import { chartSvg } from './charts.ts';
import type { ReportModel } from './model.ts';
import { caseCards, caseWindowLabel, CHANGE_LABEL, chinaMinute, familyName, institutionKind, money, periodLabel, regionLabel, reportCharts, summarySentence, translator } from './text.ts';

/**
 * A self-contained HTML page (inline CSS and SVG charts, no scripts, no external requests) that opens
 * from a mail attachment or the reports page alike. Every value is escaped.
 */

const esc = (s: unknown) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CSS = `
body{font-family:'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif;color:#1a1a1a;margin:0;background:#f5f6f8}
main{max-width:980px;margin:0 auto;padding:24px 32px;background:#fff}
h1{color:#b71c1c;font-size:24px;margin:0 0 4px} h2{font-size:17px;border-bottom:2px solid #b71c1c;padding-bottom:4px;margin-top:28px}
.meta{color:#555;font-size:13px} .summary{font-size:15px;background:#fff8e1;border-left:4px solid #f9a825;padding:10px 14px}
.cards{display:flex;gap:10px;flex-wrap:wrap;margin:14px 0} .card{flex:1;min-width:110px;border:1px solid #ddd;border-radius:6px;padding:8px 12px}
.card b{display:block;font-size:22px} .card.wide{flex:2} .card.wide b{font-size:18px;line-height:26px} .card span{color:#666;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0} th,td{border-bottom:1px solid #e5e5e5;padding:5px 6px;text-align:left}
th{background:#fafafa} td.n{text-align:right;font-variant-numeric:tabular-nums} .charts{display:flex;flex-wrap:wrap;gap:12px} .charts svg{max-width:100%;height:auto}
a{color:#1565c0}`;

/** Credit bands of institutions (docs/rating.md): the distribution and who moved down. */
function creditHtml(m: ReportModel, T: (zh: string, en: string) => string): string {
  const c = m.credit;
  if (!c) return `<h2>${T('机构信用等级', 'Institution credit bands')}</h2><p class="meta">${T('尚未评价', 'Not rated yet')}</p>`;
  const total = c.bands.reduce((s, b) => s + b.count, 0) + c.notRated;
  const pct = (n: number) => (total ? `${Math.round((100 * n) / total)}%` : '—');
  const dist = `<table><thead><tr>${c.bands.map((b) => `<th>${esc(b.code)} ${esc(T(b.name.zh, b.name.en))}</th>`).join('')}${c.notRated ? `<th>${T('未评', 'not rated')}</th>` : ''}</tr></thead><tbody><tr>${c.bands.map((b) => `<td class="n">${b.count}（${pct(b.count)}）</td>`).join('')}${c.notRated ? `<td class="n">${c.notRated}</td>` : ''}</tr></tbody></table>`;
  const moved =
    c.previousPeriod === null
      ? `<p class="meta">${T('没有上一期评价可比', 'No previous period rated to compare with')}</p>`
      : c.movedDown.length === 0
        ? `<p class="meta">${T('无', 'None')}</p>`
        : `<table><thead><tr><th>${T('机构', 'Institution')}</th><th>${esc(c.previousPeriod)}</th><th>${esc(c.period)}</th></tr></thead><tbody>${c.movedDown
            .map((r) => `<tr><td>${esc(r.name ?? '')} <span class="meta">${esc(r.code)}</span></td><td>${esc(r.from)} ${esc(r.scoreFrom?.toFixed(1) ?? '')}</td><td>${esc(r.to)} ${esc(r.scoreTo?.toFixed(1) ?? '')}</td></tr>`)
            .join('')}</tbody></table>`;
  return `<h2>${T('机构信用等级分布', 'Institution credit bands')}（${esc(c.period)}）</h2>${dist}
<h2>${T('信用等级下降的机构', 'Institutions that moved down')}（${c.movedDown.length}）</h2>${moved}`;
}

export function renderHtml(m: ReportModel): Buffer {
  const T = translator(m.lang);
  const charts = reportCharts(m, T);
  const ringTable = (kind: keyof ReportModel['changes'] | 'top') => {
    const rows = kind === 'top' ? m.topRings : m.changes[kind];
    if (rows.length === 0) return `<p class="meta">${T('无', 'None')}</p>`;
    return `<table><thead><tr><th>${T('团伙', 'Ring')}</th><th>${T('类型', 'Scenario')}</th><th>${T('统筹区', 'Region')}</th><th>${T('评分', 'Score')}</th><th>${T('成员', 'Members')}</th><th>${T('基金支付', 'Fund paid')}</th></tr></thead><tbody>${rows
      .map(
        (r) =>
          `<tr><td><a href="${esc(r.url)}">${esc(r.ringId)}</a></td><td>${esc(familyName(m, r.family))}</td><td>${esc(regionLabel(r))}</td><td class="n">${esc(r.score?.toFixed(1) ?? '—')}</td><td class="n">${r.previousMemberCount !== null && kind !== 'new' && kind !== 'top' ? `${r.previousMemberCount} → ` : ''}${kind === 'dissolved' ? '0' : r.memberCount}</td><td class="n">${esc(money(r.fundPaid))}</td></tr>`,
      )
      .join('')}</tbody></table>`;
  };
  const involvement = (rows: ReportModel['topInstitutions'], kind: 'institution' | 'doctor') =>
    rows.length === 0
      ? `<p class="meta">${T('无', 'None')}</p>`
      : `<table><thead><tr><th>${kind === 'institution' ? T('机构', 'Institution') : T('医生', 'Doctor')}</th><th>${kind === 'institution' ? T('类别', 'Kind') : T('所在机构', 'Institution')}</th><th>${T('涉及团伙', 'Rings')}</th><th>${T('证据结算', 'Evidence claims')}</th><th>${T('基金支付', 'Fund paid')}</th></tr></thead><tbody>${rows
          .map((r) => `<tr><td>${esc(r.name ?? '')} <span class="meta">${esc(r.code)}</span></td><td>${esc(kind === 'institution' ? institutionKind(m, r.detail) : r.detail)}</td><td class="n">${r.rings}</td><td class="n">${r.claims}</td><td class="n">${esc(money(r.fundPaid))}</td></tr>`)
          .join('')}</tbody></table>`;
  const c = m.counts;
  const card = (v: number | string, label: string, wide = false) => `<div class="card${wide ? ' wide' : ''}"><b>${esc(v)}</b><span>${esc(label)}</span></div>`;
  const html = `<!doctype html>
<html lang="${m.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(m.title)} ${esc(m.periodKey)}</title><style>${CSS}</style></head>
<body><main>
<h1>${esc(m.title)}</h1>
<p class="meta">${T('报告期', 'Period')}：${esc(periodLabel(m, T))} · ${T('生成时间', 'Generated')}：${esc(chinaMinute(m.generatedAt))}${T('（北京时间）', ' (China time)')} · ${T('报告编号', 'Report')}：${esc(m.reportId)}</p>
<p class="meta">${T('检测运行', 'Detection run')}：${esc(m.run?.runId ?? '—')}${m.run ? ` · ${T('结算', 'claims')} ${m.run.claimCount.toLocaleString('en-US')}` : ''} · ${T('对比基线', 'Baseline')}：${esc(m.baseline?.runId ?? '—')}</p>
<p class="summary">${esc(summarySentence(m, T))}</p>
<div class="cards">${card(c.active, T('在册团伙', 'active rings'))}${card(c.new, T('新发现', 'new'))}${card(c.grown, T('扩大', 'grown'))}${card(c.shrunk, T('缩小', 'shrunk'))}${card(c.dissolved, T('解散', 'dissolved'))}${card(money(m.moneyAtRisk.total), T('涉案基金', 'fund at risk'), true)}</div>
<h2>${T('案件办理', 'Case workflow')}</h2><p class="meta" data-section="cases">${esc(caseWindowLabel(m, T))}</p>
<div class="cards">${caseCards(m, T).map(([v, label]) => card(v, label)).join('')}</div>
<h2>${T('趋势', 'Trend')}</h2><div class="charts">${chartSvg(charts.ringsTrend)}${chartSvg(charts.moneyTrend)}</div>
<h2>${T('涉案基金分布', 'Money at risk')}</h2><div class="charts">${chartSvg(charts.byRegion)}${chartSvg(charts.byFamily)}</div>
<table><thead><tr><th>${T('统筹区', 'Region')}</th><th>${T('类型', 'Scenario')}</th><th>${T('团伙数', 'Rings')}</th><th>${T('基金支付', 'Fund paid')}</th></tr></thead><tbody>${m.moneyAtRisk.byRegionAndFamily
    .map((r) => `<tr><td>${esc(regionLabel(r))}</td><td>${esc(familyName(m, r.family))}</td><td class="n">${r.rings}</td><td class="n">${esc(money(r.fundPaid))}</td></tr>`)
    .join('')}</tbody></table>
${(['new', 'grown', 'shrunk', 'dissolved', 'top'] as const).map((k) => `<h2>${T(CHANGE_LABEL[k]![0], CHANGE_LABEL[k]![1])}（${(k === 'top' ? m.topRings : m.changes[k]).length}）</h2>${ringTable(k)}`).join('\n')}
<h2>${T('涉及团伙最多的机构', 'Institutions most involved in rings')}</h2>${involvement(m.topInstitutions, 'institution')}
<h2>${T('涉及团伙最多的医生', 'Doctors most involved in rings')}</h2>${involvement(m.topDoctors, 'doctor')}
${creditHtml(m, T)}
<p class="meta">${T('由 RingLens 定时生成。团伙链接打开调查工作台。', 'Generated on schedule by RingLens. Ring links open the investigation workbench.')}</p>
</main></body></html>
`;
  return Buffer.from(html, 'utf8');
}
