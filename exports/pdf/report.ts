import PDFDocument from 'pdfkit';
import { CASE_STATUS, CLAIM_KIND, ENTITY, FAMILY, GENDER, INSTITUTION_KIND, ROLE, say, USER_ROLE, type Lang } from '../labels.ts';
import type { ModelEntity, PackageModel } from '../package-model.ts';
import type { Positions } from '../graph/layout.ts';
import { COLOURS, entityLabel } from '../graph/graph-files.ts';
import { FontMissingError, locateCjkFont, prepareCjkDocument, type CjkFont } from './fonts.ts';

/**
 * The case report: cover, summary, network picture, evidence with its numbers, timeline, member
 * table and claims appendix, in Chinese or English, on A4 with a running header and page numbers.
 * Everything is drawn with pdfkit's vector primitives and one embedded CJK font (subset).
 */

type Doc = PDFKit.PDFDocument;

const A4 = { w: 595.28, h: 841.89 };
const M = { top: 62, bottom: 56, left: 56, right: 56 };
const CONTENT_W = A4.w - M.left - M.right;
const RED = '#B71C1C';
const INK = '#1A1A1A';
const GREY = '#666666';
const RULE = '#BBBBBB';

const money = (v: number) => `¥${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** Times print as China wall-clock time whatever zone they were stored in (claims +08:00, runs UTC). */
const chinaTime = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) || /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : new Date(t + 8 * 3600_000).toISOString();
};
const minute = (iso: string | null | undefined) => (iso ? chinaTime(iso).slice(0, 16).replace('T', ' ') : '—');
const day = (iso: string | null | undefined) => (iso ? chinaTime(iso).slice(0, 10) : '—');

export interface ReportInput {
  model: PackageModel;
  positions: Positions;
  lang: Lang;
  /** fingerprint of the signing key, printed on the cover so a recipient can compare it */
  keyFingerprint: string;
  font?: CjkFont;
}

export async function buildReportPdf(input: ReportInput): Promise<Buffer> {
  const { model: m, lang } = input;
  const T = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  const font = input.font ?? locateCjkFont();
  const doc: Doc = new PDFDocument({
    size: 'A4',
    margins: M,
    bufferPages: true,
    autoFirstPage: true,
    info: {
      Title: `${T('医保基金欺诈案件移送材料', 'Medical-insurance fund fraud case referral')} ${m.caseNumber}`,
      Author: m.bureau,
      Subject: m.bundle.ring.ringId,
      Creator: 'RingLens',
      CreationDate: new Date(m.exportedAt),
    },
  });
  const { done } = prepareCjkDocument(doc, font);
  assertCjkGlyphs(doc, font);

  cover(doc, m, T, lang, input.keyFingerprint);
  doc.addPage();
  summary(doc, m, T, lang);
  network(doc, m, input.positions, T, lang);
  evidence(doc, m, T);
  timeline(doc, m, T, lang);
  memberTable(doc, m, T, lang);
  ratingTable(doc, m, T);
  claimsAppendix(doc, m, T, lang);
  runningHeadAndFoot(doc, m, T);

  doc.end();
  return done;
}

/** A font that lacks Chinese glyphs would print tofu: refuse it before drawing anything. */
function assertCjkGlyphs(doc: Doc, font: CjkFont): void {
  const f = (doc as unknown as { _font?: { font?: { hasGlyphForCodePoint?: (c: number) => boolean } } })._font?.font;
  if (!f?.hasGlyphForCodePoint) return;
  for (const ch of '医保基金欺诈案件移送') {
    if (!f.hasGlyphForCodePoint(ch.codePointAt(0)!)) throw new FontMissingError(`the font ${font.regular.file} has no glyph for "${ch}": it cannot print the Chinese report (install fonts-noto-cjk)`);
  }
}

type Tr = (zh: string, en: string) => string;

/** A person by display name with the username beside it (the name alone means little to another bureau's reader; the username is what the audit log holds). */
const personName = (name: string | null | undefined, username: string, T: Tr): string => (name && name !== username ? `${name}${T('（', ' (')}${username}${T('）', ')')}` : username);

function maskingNote(m: PackageModel, T: Tr): string {
  if (m.masking.level === 'full') return T('本材料含完整身份证号码等个人信息，仅限案件移送使用，严禁扩散。', 'Contains full personal identifiers; for the referral only. Do not distribute.');
  const why: Record<string, string> = {
    'no-case': T('未立案', 'no case'),
    'case-not-referred': T('案件尚未移送', 'the case is not referred'),
    'role-not-authorized': T('导出人无完整信息权限', 'the exporter may not receive full identifiers'),
  };
  return T(`个人信息已脱敏（${why[m.masking.reason] ?? m.masking.reason}）：身份证号、卡号、姓名、出生日期、住址部分隐藏。`, `Personal data masked (${why[m.masking.reason] ?? m.masking.reason}): ID numbers, card numbers, names, birth dates and addresses are partly hidden.`);
}

function cover(doc: Doc, m: PackageModel, T: Tr, lang: Lang, fingerprint: string): void {
  const r = m.bundle.ring;
  const c = m.bundle.case;
  doc.font('cjk').fontSize(10).fillColor(INK);
  doc.text(T('密级：内部', 'Classification: internal'), M.left, 48, { width: CONTENT_W / 2 });
  doc.text(`${T('编号：', 'No. ')}${m.caseNumber}`, M.left + CONTENT_W / 2, 48, { width: CONTENT_W / 2, align: 'right' });
  doc.text(m.masking.level === 'full' ? T('个人信息：完整', 'Personal data: full') : T('个人信息：已脱敏', 'Personal data: masked'), M.left, 64, { width: CONTENT_W / 2 });

  // Bureau and title flow: a long bureau name wraps and pushes the rest down.
  doc.font('cjk-bold').fontSize(lang === 'zh' ? 30 : 24).fillColor(RED);
  doc.text(m.bureau, M.left, 150, { width: CONTENT_W, align: 'center' });
  doc.fontSize(lang === 'zh' ? 26 : 20).text(T('医保基金欺诈案件移送材料', 'Medical-Insurance Fund Fraud Case Referral'), M.left, Math.max(doc.y + 12, 200), { width: CONTENT_W, align: 'center' });
  const ruleY = Math.max(doc.y + 14, 250);
  doc.moveTo(M.left, ruleY).lineTo(A4.w - M.right, ruleY).lineWidth(2).strokeColor(RED).stroke();
  doc.moveTo(M.left, ruleY + 4).lineTo(A4.w - M.right, ruleY + 4).lineWidth(0.6).strokeColor(RED).stroke();
  doc.font('cjk').fontSize(11).fillColor(GREY).text(T('Medical-insurance fund fraud case referral package', '医保基金欺诈案件移送材料'), M.left, ruleY + 14, { width: CONTENT_W, align: 'center' });

  const rows: [string, string][] = [
    [T('案件编号', 'Case number'), m.hasCase ? m.caseNumber : `${m.caseNumber}${T('（未立案，按团伙导出）', ' (no case: exported from the ring)')}`],
    [T('案件名称', 'Case title'), c?.title ?? `${say(FAMILY, r.family, lang)} ${r.ringId}`],
    [T('案件状态', 'Case status'), c ? say(CASE_STATUS, c.status, lang) : T('未立案', 'no case')],
    [T('欺诈类型', 'Fraud type'), r.types.map((t) => say(FAMILY, t, lang)).filter((v, i, a) => a.indexOf(v) === i).join(T('、', ', '))],
    [T('团伙编号', 'Ring'), `${r.ringId}${T('（风险评分 ', ' (score ')}${r.score.toFixed(1)}${T('）', ')')}`],
    [T('统筹区', 'Pooling region'), [r.regionName, r.region].filter(Boolean).join(' ') || '—'],
    [T('涉案期间', 'Period'), `${day(r.periodStart)} — ${day(r.periodEnd)}`],
    [T('涉案金额', 'Amounts'), `${T('总额', 'total')} ${money(r.totalAmount)}${T('，基金支付', ', fund paid')} ${money(r.fundPaid)}`],
    [T('承办人', 'Assigned to'), c?.assignee ? personName(c.assigneeName, c.assignee, T) : '—'],
    [T('立案日期', 'Case opened'), day(c?.createdAt)],
    [T('移送日期', 'Referred'), day(c?.history.find((e) => e.to === 'referred')?.at)],
    [T('材料生成', 'Prepared'), `${minute(m.exportedAt)}${T('（北京时间），', ' (China time), ')}${m.exportedBy.user}${T('（', ' (')}${say(USER_ROLE, m.exportedBy.role, lang)}${T('）', ')')}`],
  ];
  let y = Math.max(doc.y + 40, 320);
  const labelW = 110;
  for (const [k, v] of rows) {
    doc.font('cjk-bold').fontSize(11).fillColor(INK).text(k, M.left + 30, y, { width: labelW });
    doc.font('cjk').fontSize(11).text(v, M.left + 30 + labelW, y, { width: CONTENT_W - 60 - labelW });
    const h = Math.max(doc.heightOfString(v, { width: CONTENT_W - 60 - labelW }), 14);
    doc.moveTo(M.left + 30, y + h + 4).lineTo(A4.w - M.right - 30, y + h + 4).lineWidth(0.4).strokeColor(RULE).stroke();
    y += h + 12;
  }

  const note = maskingNote(m, T);
  const signed = T(`本材料包经数字签名（Ed25519），可用 ringlens verify-export 核验。签名公钥指纹：${fingerprint.slice(0, 32)}…`, `The package is signed (Ed25519); check it with ringlens verify-export. Signing key fingerprint: ${fingerprint.slice(0, 32)}…`);
  doc.font('cjk').fontSize(9).fillColor(INK);
  const boxW = CONTENT_W - 80;
  const boxH = doc.heightOfString(note, { width: boxW }) + doc.heightOfString(signed, { width: boxW }) + 19;
  y = Math.min(Math.max(y + 16, 640), 720 - boxH);
  doc.rect(M.left + 30, y, CONTENT_W - 60, boxH).lineWidth(0.8).strokeColor(RED).stroke();
  doc.text(note, M.left + 40, y + 8, { width: boxW });
  doc.text(signed, M.left + 40, doc.y + 3, { width: boxW });

  doc.font('cjk').fontSize(12).fillColor(INK);
  doc.text(m.bureau, M.left, 735, { width: CONTENT_W - 30, align: 'right' });
  doc.text(lang === 'zh' ? chineseDate(chinaTime(m.exportedAt)) : day(m.exportedAt), M.left, 753, { width: CONTENT_W - 30, align: 'right' });
}

const chineseDate = (iso: string) => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;

function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 60);
  doc.moveDown(0.6);
  doc.font('cjk-bold').fontSize(14).fillColor(RED).text(text, M.left, doc.y, { width: CONTENT_W });
  const y = doc.y + 2;
  doc.moveTo(M.left, y).lineTo(A4.w - M.right, y).lineWidth(0.6).strokeColor(RED).stroke();
  doc.y = y + 8;
  doc.font('cjk').fontSize(10).fillColor(INK);
}

function ensureSpace(doc: Doc, needed: number): void {
  if (doc.y + needed > A4.h - M.bottom) doc.addPage();
}

function paragraph(doc: Doc, text: string, size = 10): void {
  doc.font('cjk').fontSize(size).fillColor(INK);
  ensureSpace(doc, doc.heightOfString(text, { width: CONTENT_W }) + 4);
  doc.text(text, M.left, doc.y, { width: CONTENT_W, lineGap: 3 });
  doc.moveDown(0.3);
}

function summary(doc: Doc, m: PackageModel, T: Tr, lang: Lang): void {
  const r = m.bundle.ring;
  heading(doc, T('一、案情摘要', '1. Summary'));
  const members = m.entities.filter((e) => e.member);
  const count = (t: ModelEntity['type']) => members.filter((e) => e.type === t).length;
  const fam = say(FAMILY, r.family, lang);
  paragraph(
    doc,
    T(
      `经医保基金监管大数据分析，发现一个疑似“${fam}”团伙，涉及参保人 ${count('person')} 名、医保卡 ${count('card')} 张、医生 ${count('doctor')} 名、医药机构 ${count('institution')} 家。${day(r.periodStart)} 至 ${day(r.periodEnd)} 期间，相关结算 ${r.claimCount} 笔，医疗费用总额 ${money(r.totalAmount)}，其中医保基金支付 ${money(r.fundPaid)}。主要证据见第三部分。`,
      `Analysis of medical-insurance settlements found a suspected "${fam}" ring of ${count('person')} insured persons, ${count('card')} cards, ${count('doctor')} doctors and ${count('institution')} institutions. Between ${day(r.periodStart)} and ${day(r.periodEnd)} it accounts for ${r.claimCount} settlements totalling ${money(r.totalAmount)}, of which the fund paid ${money(r.fundPaid)}. The evidence is in section 3.`,
    ),
  );
  // Key figures as boxes: what a reader looks for first.
  const figures: [string, string][] = [
    [T('成员', 'Members'), String(r.memberCount)],
    [T('结算笔数', 'Claims'), String(r.claimCount)],
    [T('费用总额', 'Total'), money(r.totalAmount)],
    [T('基金支付', 'Fund paid'), money(r.fundPaid)],
  ];
  ensureSpace(doc, 60);
  const bw = (CONTENT_W - 3 * 10) / 4;
  const y = doc.y + 4;
  figures.forEach(([k, v], i) => {
    const x = M.left + i * (bw + 10);
    doc.rect(x, y, bw, 46).fillColor('#F5F1F1').fill();
    doc.font('cjk').fontSize(8.5).fillColor(GREY).text(k, x + 8, y + 6, { width: bw - 16 });
    doc.font('cjk-bold').fontSize(13).fillColor(INK);
    doc.text(fit(doc, v, bw - 16), x + 8, y + 21, { width: bw - 16, lineBreak: false });
  });
  doc.y = y + 58;

  // Members and roles, grouped.
  const byRole = new Map<string, ModelEntity[]>();
  for (const e of members) {
    const k = `${e.type}|${e.role}`;
    byRole.set(k, [...(byRole.get(k) ?? []), e]);
  }
  const rows = [...byRole.entries()].map(([k, list]) => {
    const [type, role] = k.split('|') as [ModelEntity['type'], string];
    const names = list.slice(0, 8).map((e) => entityLabel(e, lang));
    return [say(ENTITY, type, lang), say(ROLE, role, lang), String(list.length), names.join(T('、', ', ')) + (list.length > 8 ? ` ${T('等', 'and others')}` : '')];
  });
  table(doc, [
    { title: T('类型', 'Type'), width: 70 },
    { title: T('角色', 'Role'), width: 80 },
    { title: T('人数', 'Count'), width: 40, align: 'right' },
    { title: T('成员（部分）', 'Members (first)'), width: CONTENT_W - 190 },
  ], rows, { wrap: true });
  // Key persons are named only when their settlements set them apart (detection/assemble.ts), each with the numbers.
  const key = r.keyPersons.slice(0, 5);
  if (key.length)
    paragraph(doc, `${T('关键人员（结算联系明显多于其他成员者）：', 'Key persons (whose settlements reach clearly farther than the others’): ')}${key.map((k, i) => `${k.name}${T('（', ' (')}${m.keyPersonRefs[i] ?? k.id}${k.basis ? `${T('，', '; ')}${T(k.basis.zh, k.basis.en)}` : ''}${T('）', ')')}`).join(T('；', '; '))}`, 9.5);
  else paragraph(doc, T('关键人员：无——成员之间的结算联系相当，无人明显突出。', 'Key persons: none — the members’ settlements reach about equally far; nobody stands out.'), 9.5);
}

function network(doc: Doc, m: PackageModel, positions: Positions, T: Tr, lang: Lang): void {
  // The picture takes what is left of the page when that is enough to read it, else a page of its own.
  const room = A4.h - M.bottom - doc.y - 110;
  if (room < 300) doc.addPage();
  heading(doc, T('二、关系网络图', '2. Network'));
  const members = m.entities.filter((e) => e.member);
  const shown = members.length >= 2 ? members : m.entities;
  const ids = new Set(shown.map((e) => e.ref));
  const links = m.links.filter((l) => ids.has(l.source) && ids.has(l.target));
  const size = Math.min(CONTENT_W, 430, A4.h - M.bottom - doc.y - 60);
  const x0 = M.left + (CONTENT_W - size) / 2;
  const y0 = doc.y + 4;
  doc.rect(x0, y0, size, size).lineWidth(0.5).strokeColor(RULE).stroke();
  const pts = shown.map((e) => positions.get(e.ref) ?? { x: 0, y: 0 });
  const [minX, maxX] = [Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x))];
  const [minY, maxY] = [Math.min(...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.y))];
  const pad = 34;
  const scale = Math.min((size - 2 * pad) / Math.max(maxX - minX, 1e-6), (size - 2 * pad) / Math.max(maxY - minY, 1e-6));
  const at = (ref: string) => {
    const p = positions.get(ref) ?? { x: 0, y: 0 };
    return { x: x0 + pad + (p.x - minX) * scale + (size - 2 * pad - (maxX - minX) * scale) / 2, y: y0 + pad + (p.y - minY) * scale + (size - 2 * pad - (maxY - minY) * scale) / 2 };
  };
  for (const l of links) {
    const a = at(l.source);
    const b = at(l.target);
    doc.moveTo(a.x, a.y).lineTo(b.x, b.y).lineWidth(0.5 + Math.min(Math.log2(1 + l.claims) * 0.4, 2.5)).strokeColor('#8A8A8A').strokeOpacity(0.7).stroke();
  }
  doc.strokeOpacity(1);
  const degree = new Map<string, number>();
  for (const l of links) for (const r of [l.source, l.target]) degree.set(r, (degree.get(r) ?? 0) + l.claims + 1);
  const keyRefs = new Set(m.keyPersonRefs.filter(Boolean) as string[]);
  const radius = (e: ModelEntity) => (e.type === 'institution' ? 7 : keyRefs.has(e.ref) ? 6 : shown.length > 150 ? 2.5 : 4);
  for (const e of shown) {
    const p = at(e.ref);
    doc.circle(p.x, p.y, radius(e)).fillColor(COLOURS[e.type].hex).fill();
    doc.circle(p.x, p.y, radius(e)).lineWidth(0.5).strokeColor('#FFFFFF').stroke();
  }
  // Labels: institutions, doctors and key persons always; others while the picture stays readable.
  const budget = shown.length <= 60 ? shown.length : 40;
  const priority = (e: ModelEntity) => (e.type === 'institution' ? 0 : e.type === 'doctor' ? 1 : keyRefs.has(e.ref) ? 2 : 3);
  const labelled = [...shown].sort((a, b) => priority(a) - priority(b) || (degree.get(b.ref) ?? 0) - (degree.get(a.ref) ?? 0)).slice(0, budget);
  doc.font('cjk').fontSize(shown.length > 40 ? 6 : 7).fillColor(INK);
  for (const e of labelled) {
    const p = at(e.ref);
    // Every label carries the entity's package reference (as in the tables): masked names repeat (two 郑*), references never do.
    const text = `${e.ref} ${e.type === 'card' ? `${T('卡', 'card')}${e.key.slice(-4)}` : (e.name ?? e.key)}`;
    // A light backing keeps labels readable where they cross links.
    doc.rect(p.x + radius(e) + 1, p.y - 3.5, doc.widthOfString(text) + 1, doc.currentLineHeight()).fillColor('#FFFFFF').fillOpacity(0.75).fill();
    doc.fillOpacity(1).fillColor(INK).text(text, p.x + radius(e) + 1.5, p.y - 3.5, { lineBreak: false });
  }
  // Legend.
  let lx = x0 + 8;
  const ly = y0 + size - 14;
  doc.fontSize(7.5);
  // Only the types the picture shows.
  for (const t of (['person', 'card', 'doctor', 'institution'] as const).filter((x) => shown.some((e) => e.type === x))) {
    doc.circle(lx + 3, ly + 3.5, 3).fillColor(COLOURS[t].hex).fill();
    doc.fillColor(INK).text(say(ENTITY, t, lang), lx + 9, ly, { lineBreak: false });
    lx += 9 + doc.widthOfString(say(ENTITY, t, lang)) + 12;
  }
  doc.y = y0 + size + 6;
  paragraph(
    doc,
    T(
      `图中为团伙成员 ${shown.length} 个、关系 ${links.length} 条（连线越粗，相关结算越多），布局为 ForceAtlas2；标注前的编号（如 P0001）与成员表、证据工作簿一致。完整网络见 graph/ 目录（GraphML、GEXF、i2 导入 CSV）。`,
      `${shown.length} ring members and ${links.length} links (thicker = more settlements), ForceAtlas2 layout; the reference before each label (e.g. P0001) is the one in the member table and the evidence workbook. The full network is in graph/ (GraphML, GEXF, i2 import CSV).`,
    ),
    8.5,
  );
}

function evidence(doc: Doc, m: PackageModel, T: Tr): void {
  heading(doc, T('三、证据清单', '3. Evidence'));
  const ev = m.bundle.ring.evidence;
  if (!ev.length) paragraph(doc, T('（无）', '(none)'));
  ev.forEach((e, i) => {
    // The sentence carries its numbers; the facts' field names are for machines (case.json), not for the reader.
    const text = `${i + 1}. ${T(e.zh, e.en)}`;
    const refs = m.evidenceRefs[i] ?? [];
    const detail = refs.length ? `${T('涉及对象：', 'Entities: ')}${refs.slice(0, 30).join(' ')}${refs.length > 30 ? ` … (${refs.length})` : ''}` : T('涉及对象：见成员表', 'Entities: see the member table');
    ensureSpace(doc, doc.heightOfString(text, { width: CONTENT_W }) + doc.heightOfString(detail, { width: CONTENT_W - 14 }) + 12);
    doc.font('cjk-bold').fontSize(10).fillColor(INK).text(text, M.left, doc.y, { width: CONTENT_W, lineGap: 2 });
    doc.font('cjk').fontSize(8.5).fillColor(GREY).text(detail, M.left + 14, doc.y + 1, { width: CONTENT_W - 14, lineGap: 1 });
    doc.moveDown(0.5);
  });
  doc.fillColor(INK);
}

function timeline(doc: Doc, m: PackageModel, T: Tr, lang: Lang): void {
  heading(doc, T('四、时间线', '4. Timeline'));
  const r = m.bundle.ring;
  const events: [string, string][] = [];
  if (m.claims.length) {
    events.push([m.claims[0]!.settledAt, T(`首笔涉案结算 ${m.claims[0]!.claimId}（${m.claims[0]!.institutionName ?? ''}）`, `first settlement in evidence ${m.claims[0]!.claimId} (${m.claims[0]!.institutionName ?? ''})`)]);
    const last = m.claims.at(-1)!;
    events.push([last.settledAt, T(`末笔涉案结算 ${last.claimId}（${last.institutionName ?? ''}）`, `last settlement in evidence ${last.claimId} (${last.institutionName ?? ''})`)]);
  }
  const change: Record<string, string> = { new: T('首次发现', 'first detected'), grown: T('团伙扩大', 'grew'), shrunk: T('团伙缩小', 'shrank'), unchanged: T('再次确认', 'found again') };
  for (const d of r.detections) events.push([d.at, `${T('检测运行', 'detection run')} ${d.runId}${T('：', ': ')}${change[d.change] ?? d.change}${d.memberCount != null ? T(`，成员 ${d.memberCount}`, `, ${d.memberCount} members`) : ''}`]);
  for (const e of m.bundle.case?.history ?? []) {
    const what = e.kind === 'transition' ? `${T('状态', 'status')} ${say(CASE_STATUS, e.from, lang)} → ${say(CASE_STATUS, e.to, lang)}` : e.kind === 'created' ? T('立案', 'case opened') : e.kind === 'assigned' ? `${T('分派给', 'assigned to')} ${e.to ? personName(e.toName, e.to, T) : '—'}` : T('备注', 'note');
    events.push([e.at, `${what}${T('（', ' (')}${personName(e.actorName, e.actor, T)}${T('）', ')')}${e.note ? `${T('：', ': ')}${e.note}` : ''}`]);
  }
  events.push([m.exportedAt, T(`生成移送材料（${m.exportedBy.user}）`, `referral package prepared (${m.exportedBy.user})`)]);
  events.sort((a, b) => a[0].localeCompare(b[0]));
  table(doc, [{ title: T('时间', 'When'), width: 100 }, { title: T('事件', 'Event'), width: CONTENT_W - 100 }], events.map(([at, what]) => [minute(at), what]), { wrap: true });

  // Claims per month: how the ring's activity developed.
  const months = new Map<string, { n: number; fund: number }>();
  for (const c of m.claims) {
    const k = c.settledAt.slice(0, 7);
    const v = months.get(k) ?? { n: 0, fund: 0 };
    v.n++;
    v.fund += c.fundPaid;
    months.set(k, v);
  }
  if (months.size) {
    doc.moveDown(0.5);
    paragraph(doc, T('按月统计涉案结算：', 'Settlements in evidence per month:'), 9.5);
    const max = Math.max(...[...months.values()].map((v) => v.n));
    table(doc, [{ title: T('月份', 'Month'), width: 60 }, { title: T('笔数', 'Claims'), width: 50, align: 'right' }, { title: T('基金支付', 'Fund paid'), width: 90, align: 'right' }, { title: '', width: CONTENT_W - 200, bar: true }],
      [...months.entries()].sort().map(([k, v]) => [k, String(v.n), money(v.fund), String(v.n / max)]));
  }
}

function memberTable(doc: Doc, m: PackageModel, T: Tr, lang: Lang): void {
  heading(doc, T('五、成员表', '5. Members'));
  const rows = m.entities.filter((e) => e.member).map((e) => [
    e.ref,
    say(ENTITY, e.type, lang),
    say(ROLE, e.role, lang),
    e.type === 'card' ? '' : (e.name ?? ''),
    e.key,
    e.roleBasis?.[lang] ?? '—',
    e.type === 'person' ? [say(GENDER, e.gender, lang), e.birthDate ?? ''].filter(Boolean).join(' ') : e.type === 'institution' ? say(INSTITUTION_KIND, e.kind, lang) : e.type === 'doctor' ? [e.department, e.title].filter(Boolean).join(' ') : (e.holderIdNumber ?? ''),
  ]);
  table(doc, [
    { title: T('编号', 'Ref'), width: 38 },
    { title: T('类型', 'Type'), width: 46 },
    { title: T('角色', 'Role'), width: 58 },
    { title: T('姓名/名称', 'Name'), width: 76 },
    { title: T('身份证号/卡号/代码', 'ID / card / code'), width: 96 },
    { title: T('角色依据（涉案结算）', 'Why this role (settlements in evidence)'), width: CONTENT_W - 390 },
    { title: T('其他', 'Details'), width: 76 },
  ], rows, { wrap: true });
  paragraph(doc, T('注：角色仅在有涉案结算数据支持时标注，否则记为“成员”。卡的“其他”列为持卡人身份证号。涉案结算所涉及的非成员对象（如出借卡的持卡人）见证据工作簿。', 'Note: a role is given only where settlements in evidence support it, otherwise “member”. For cards, Details is the holder’s ID number. Non-member entities the evidence claims touch are listed in the evidence workbook.'), 8);
}

/** The institutions' credit ratings (docs/rating.md) as they stood at referral time. */
function ratingTable(doc: Doc, m: PackageModel, T: Tr): void {
  const ratings = m.bundle.ratings ?? [];
  if (ratings.length === 0) return;
  const when = ratings[0]!.asOfKind === 'referral' ? T('移送时', 'at referral') : T('导出时', 'at export');
  heading(doc, T(`六、机构信用评价（${when}）`, `6. Institution credit rating (${when})`));
  table(
    doc,
    [
      { title: T('机构', 'Institution'), width: 150 },
      { title: T('代码', 'Code'), width: 80 },
      { title: T('评价期间', 'Period'), width: 56 },
      { title: T('得分', 'Score'), width: 46, align: 'right' },
      { title: T('等级', 'Band'), width: 34 },
      { title: T('失分最多的指标', 'Indicators that lost most'), width: CONTENT_W - 366 },
    ],
    ratings.map((r) => [
      r.name ?? '',
      r.code,
      r.rating?.period ?? T('未评价', 'not rated'),
      r.rating?.score === null || r.rating === null ? '—' : r.rating.score.toFixed(1),
      r.rating?.band ?? '—',
      (r.rating?.lowest ?? []).map((l) => `${l.indicator} ${l.points.toFixed(0)}/${l.maxPoints}`).join('; '),
    ]),
    { wrap: true },
  );
  paragraph(
    doc,
    T(
      `注：千分制信用评价（${ratings.find((r) => r.rating)?.rating?.modelId ?? '—'}），取 ${ratings[0]!.asOf.slice(0, 16).replace('T', ' ')} 前最近一次计算的结果；未导入的外部指标记为缺失，不计为零分。`,
      `Note: 1000-point credit rating (${ratings.find((r) => r.rating)?.rating?.modelId ?? '—'}), the latest computed before ${ratings[0]!.asOf.slice(0, 16).replace('T', ' ')}; external indicators not imported are missing, never zero.`,
    ),
    8,
  );
}

function claimsAppendix(doc: Doc, m: PackageModel, T: Tr, lang: Lang): void {
  doc.addPage();
  heading(doc, T(`附录：涉案结算明细（${m.claims.length} 笔）`, `Appendix: settlements in evidence (${m.claims.length})`));
  const byRef = new Map(m.entities.map((e) => [e.ref, e]));
  const who = (ref: string | null) => (ref ? (byRef.get(ref)?.name ?? ref) : '');
  table(doc, [
    { title: T('结算号', 'Claim'), width: 70 },
    { title: T('时间', 'Settled'), width: 60 },
    { title: T('类别', 'Kind'), width: 30 },
    { title: T('卡号', 'Card'), width: 76 },
    { title: T('持卡人/就诊人', 'Holder/recipient'), width: 60 },
    { title: T('机构', 'Institution'), width: 78 },
    { title: T('医生', 'Doctor'), width: 32 },
    { title: T('总额', 'Total'), width: 38, align: 'right' },
    { title: T('基金', 'Fund'), width: CONTENT_W - 444, align: 'right' },
  ], m.claims.map((c) => [
    c.claimId,
    minute(c.settledAt),
    lang === 'zh' ? say(CLAIM_KIND, c.kind, lang) : ({ outpatient: 'outpt', inpatient: 'inpt', pharmacy: 'pharm' } as Record<string, string>)[c.kind] ?? c.kind,
    c.cardNo ?? '',
    c.recipientRef && c.recipientRef !== c.holderRef ? `${who(c.holderRef)}/${who(c.recipientRef)}` : who(c.holderRef),
    c.institutionName ?? c.institutionCode ?? '',
    c.doctorName ?? '',
    c.total.toFixed(2),
    c.fundPaid.toFixed(2),
  ]), { size: 6.5 });
  const total = m.claims.reduce((s, c) => s + c.total, 0);
  const fund = m.claims.reduce((s, c) => s + c.fundPaid, 0);
  paragraph(doc, `${T('合计：', 'Total: ')}${money(total)}${T('，基金支付 ', ', fund paid ')}${money(fund)}${T('。项目明细见证据工作簿“明细”表。', '. Item lines are in the evidence workbook.')}`, 8.5);
}

/** Cuts text to fit one line of `width` at the current font, ending in … (pdfkit would wrap it). */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (doc.widthOfString(`${chars.slice(0, mid).join('')}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('')}…`;
}

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
  /** the cell holds a fraction 0..1 drawn as a bar */
  bar?: boolean;
}

/** A ruled table that continues across pages with its header repeated. */
function table(doc: Doc, cols: Column[], rows: string[][], opts: { size?: number; wrap?: boolean } = {}): void {
  const size = opts.size ?? 8;
  const pad = 3;
  const header = () => {
    ensureSpace(doc, size * 4);
    const y = doc.y;
    doc.rect(M.left, y, CONTENT_W, size + 2 * pad + 2).fillColor('#EFE7E7').fill();
    let x = M.left;
    doc.font('cjk-bold').fontSize(size).fillColor(INK);
    for (const c of cols) {
      doc.text(fit(doc, c.title, c.width - 2 * pad), x + pad, y + pad, { width: c.width - 2 * pad, align: c.align ?? 'left', lineBreak: false });
      x += c.width;
    }
    doc.y = y + size + 2 * pad + 2;
    doc.font('cjk').fontSize(size);
  };
  header();
  for (const row of rows) {
    const h = opts.wrap ? Math.max(...row.map((v, i) => doc.heightOfString(v, { width: cols[i]!.width - 2 * pad }))) + 2 * pad : size + 2 * pad + 1;
    if (doc.y + h > A4.h - M.bottom) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    let x = M.left;
    row.forEach((v, i) => {
      const c = cols[i]!;
      if (c.bar) {
        doc.rect(x + pad, y + pad, Math.max((c.width - 2 * pad) * Number(v), 0.5), size).fillColor('#C98A8A').fill();
        doc.fillColor(INK);
      } else {
        if (opts.wrap) doc.text(v, x + pad, y + pad, { width: c.width - 2 * pad, align: c.align ?? 'left' });
        else doc.text(fit(doc, v, c.width - 2 * pad), x + pad, y + pad, { width: c.width - 2 * pad + 1, align: c.align ?? 'left', lineBreak: false });
      }
      x += c.width;
    });
    doc.moveTo(M.left, y + h).lineTo(M.left + CONTENT_W, y + h).lineWidth(0.3).strokeColor(RULE).stroke();
    doc.y = y + h;
  }
  doc.x = M.left;
  doc.moveDown(0.4);
}

function runningHeadAndFoot(doc: Doc, m: PackageModel, T: Tr): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    if (i === range.start) continue;
    // Drawing in the margins must not trigger pdfkit's automatic page break.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('cjk').fontSize(8).fillColor(GREY);
    doc.text(fit(doc, `${T('医保基金欺诈案件移送材料', 'Case referral')}  ${m.caseNumber}`, CONTENT_W * 0.7), M.left, 34, { width: CONTENT_W * 0.7, lineBreak: false });
    doc.text(m.masking.level === 'full' ? T('内部 · 含完整个人信息', 'Internal · full personal data') : T('内部 · 个人信息已脱敏', 'Internal · personal data masked'), M.left + CONTENT_W * 0.7, 34, { width: CONTENT_W * 0.3, align: 'right', lineBreak: false });
    doc.moveTo(M.left, 46).lineTo(A4.w - M.right, 46).lineWidth(0.4).strokeColor(RULE).stroke();
    doc.text(T(`第 ${i - range.start + 1} 页 共 ${range.count} 页`, `Page ${i - range.start + 1} of ${range.count}`), M.left, A4.h - 36, { width: CONTENT_W, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
