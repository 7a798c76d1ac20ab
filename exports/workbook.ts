import ExcelJS from 'exceljs';
import { CLAIM_KIND, ENTITY, GENDER, IDENTITY_CHECK, INSTITUTION_LEVEL, ITEM_CATEGORY, kindWord, LINK, ROLE, say, type Lang } from './labels.ts';
import type { PackageModel } from './package-model.ts';

/**
 * The evidence workbook: one sheet per table, typed cells (dates are Excel dates in China time,
 * amounts are numbers with two decimals, identifiers are text so 18-digit ID numbers keep every
 * digit), frozen bilingual headers and filters.
 */

type Kind = 'text' | 'int' | 'money' | 'datetime' | 'date' | 'decimal' | 'bool';
interface Col<T> {
  header: string;
  kind: Kind;
  width: number;
  get: (row: T) => unknown;
}

const FORMAT: Partial<Record<Kind, string>> = { int: '0', money: '#,##0.00', datetime: 'yyyy-mm-dd hh:mm:ss', date: 'yyyy-mm-dd', decimal: '0.00' };

/** Settlement times carry +08:00; Excel dates have no zone, so they hold China wall-clock time. */
export function chinaWallClock(iso: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return new Date(`${iso}T00:00:00Z`);
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not a date-time: ${iso}`);
  return new Date(t + 8 * 3600_000);
}

function cellValue(kind: Kind, v: unknown): ExcelJS.CellValue {
  if (v === null || v === undefined || v === '') return null;
  switch (kind) {
    case 'datetime':
    case 'date':
      return /^\d{4}-\d{2}-\d{2}/.test(String(v)) && !String(v).includes('*') ? chinaWallClock(String(v)) : String(v);
    case 'int':
    case 'money':
    case 'decimal':
      return Number(v);
    case 'bool':
      return Boolean(v);
    default:
      return String(v);
  }
}

function addSheet<T>(wb: ExcelJS.Workbook, name: string, cols: Col<T>[], rows: T[]): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width, style: FORMAT[c.kind] ? { numFmt: FORMAT[c.kind] } : {} }));
  for (const r of rows) ws.addRow(cols.map((c) => cellValue(c.kind, c.get(r))));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
}

export async function buildWorkbook(m: PackageModel, lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'RingLens';
  wb.created = new Date(m.exportedAt);
  wb.modified = new Date(m.exportedAt);
  wb.title = `${m.caseNumber} evidence`;
  const byRef = new Map(m.entities.map((e) => [e.ref, e]));
  const nameOf = (ref: string | null) => (ref ? (byRef.get(ref)?.name ?? byRef.get(ref)?.key ?? ref) : null);

  addSheet(wb, '成员 Members', [
    { header: '编号 Ref', kind: 'text', width: 8, get: (e) => e.ref },
    { header: '类型 Type', kind: 'text', width: 12, get: (e) => say(ENTITY, e.type, lang) },
    { header: '成员 Member', kind: 'bool', width: 9, get: (e) => e.member },
    { header: '角色 Role', kind: 'text', width: 14, get: (e) => say(ROLE, e.role, lang) },
    { header: '标识 Key', kind: 'text', width: 22, get: (e) => e.key },
    { header: '姓名/名称 Name', kind: 'text', width: 22, get: (e) => e.name },
    { header: '性别 Gender', kind: 'text', width: 8, get: (e) => say(GENDER, e.gender, lang) || null },
    { header: '出生日期 Birth date', kind: 'date', width: 12, get: (e) => e.birthDate },
    { header: '地区 Region', kind: 'text', width: 9, get: (e) => e.region },
    { header: '类别 Kind', kind: 'text', width: 12, get: (e) => kindWord(e.type, e.kind, lang) || null },
    { header: '等级 Level', kind: 'text', width: 10, get: (e) => say(INSTITUTION_LEVEL, e.level, lang) || null },
    { header: '持卡人 Holder', kind: 'text', width: 22, get: (e) => e.holderIdNumber },
    { header: '执业机构 Institution', kind: 'text', width: 15, get: (e) => e.institutionCode },
    { header: '科室 Department', kind: 'text', width: 10, get: (e) => e.department },
    { header: '地址 Address', kind: 'text', width: 36, get: (e) => e.address },
    // last, so the columns before it keep the positions earlier packages had
    { header: '角色依据 Why this role', kind: 'text', width: 40, get: (e) => (e.roleBasis ? e.roleBasis[lang] : null) },
  ], m.entities);

  addSheet(wb, '结算 Claims', [
    { header: '结算号 Claim ID', kind: 'text', width: 20, get: (c) => c.claimId },
    { header: '结算时间 Settled at', kind: 'datetime', width: 19, get: (c) => c.settledAt },
    { header: '类别 Kind', kind: 'text', width: 9, get: (c) => say(CLAIM_KIND, c.kind, lang) },
    { header: '卡号 Card', kind: 'text', width: 20, get: (c) => c.cardNo },
    { header: '卡 Ref', kind: 'text', width: 7, get: (c) => c.cardRef },
    { header: '持卡人 Holder ID', kind: 'text', width: 20, get: (c) => c.holderIdNumber },
    { header: '持卡人 Holder', kind: 'text', width: 10, get: (c) => nameOf(c.holderRef) },
    { header: '就诊人 Recipient ID', kind: 'text', width: 20, get: (c) => c.recipientIdNumber },
    { header: '核验 Identity check', kind: 'text', width: 10, get: (c) => say(IDENTITY_CHECK, c.identityCheck, lang) || null },
    { header: '机构代码 Institution', kind: 'text', width: 15, get: (c) => c.institutionCode },
    { header: '机构名称 Institution name', kind: 'text', width: 24, get: (c) => c.institutionName },
    { header: '医生 Doctor', kind: 'text', width: 16, get: (c) => c.doctorCode },
    { header: '医生姓名 Doctor name', kind: 'text', width: 10, get: (c) => c.doctorName },
    { header: '开方医生 Prescriber', kind: 'text', width: 16, get: (c) => c.prescriberCode },
    { header: '处方号 Prescription', kind: 'text', width: 16, get: (c) => c.prescriptionId },
    { header: '诊断 Diagnosis', kind: 'text', width: 18, get: (c) => (c.diagnosisName ? `${c.diagnosisCode ?? ''} ${c.diagnosisName}`.trim() : c.diagnosisCode) },
    { header: '入院 Admission', kind: 'date', width: 12, get: (c) => c.admissionDate },
    { header: '出院 Discharge', kind: 'date', width: 12, get: (c) => c.dischargeDate },
    { header: '总金额 Total', kind: 'money', width: 12, get: (c) => c.total },
    { header: '统筹支付 Fund paid', kind: 'money', width: 12, get: (c) => c.fundPaid },
    { header: '个人支付 Self paid', kind: 'money', width: 12, get: (c) => c.selfPaid },
  ], m.claims);

  addSheet(wb, '明细 Item lines', [
    { header: '结算号 Claim ID', kind: 'text', width: 20, get: (l) => l.claimId },
    { header: '行号 Line', kind: 'int', width: 6, get: (l) => l.lineNo },
    { header: '项目编码 Item code', kind: 'text', width: 16, get: (l) => l.itemCode },
    { header: '项目名称 Item', kind: 'text', width: 26, get: (l) => l.itemName },
    { header: '类别 Category', kind: 'text', width: 12, get: (l) => say(ITEM_CATEGORY, l.category, lang) || null },
    { header: '数量 Quantity', kind: 'decimal', width: 9, get: (l) => l.quantity },
    { header: '单价 Unit price', kind: 'money', width: 11, get: (l) => l.unitPrice },
    { header: '金额 Amount', kind: 'money', width: 11, get: (l) => l.amount },
    { header: '追溯码 Trace code', kind: 'text', width: 24, get: (l) => l.traceCode },
  ], m.bundle.lines);

  const evidence = m.bundle.ring.evidence.map((e, i) => ({ ...e, no: i + 1, refs: m.evidenceRefs[i]! }));
  addSheet(wb, '证据 Evidence', [
    { header: '序号 No.', kind: 'int', width: 6, get: (e) => e.no },
    { header: '证据 Evidence (zh)', kind: 'text', width: 60, get: (e) => e.zh },
    { header: 'Evidence (en)', kind: 'text', width: 60, get: (e) => e.en },
    { header: '涉及对象 Entities', kind: 'text', width: 30, get: (e) => e.refs.join(' ') },
    { header: '权重 Weight', kind: 'decimal', width: 8, get: (e) => e.weight },
  ], evidence);

  addSheet(wb, '关系 Links', [
    { header: '编号 Link', kind: 'text', width: 8, get: (l) => l.id },
    { header: '关系 Type', kind: 'text', width: 14, get: (l) => say(LINK, l.type, lang) },
    { header: '起点 From', kind: 'text', width: 8, get: (l) => l.source },
    { header: '起点名称 From name', kind: 'text', width: 20, get: (l) => nameOf(l.source) },
    { header: '终点 To', kind: 'text', width: 8, get: (l) => l.target },
    { header: '终点名称 To name', kind: 'text', width: 20, get: (l) => nameOf(l.target) },
    { header: '笔数 Claims', kind: 'int', width: 8, get: (l) => l.claims },
    { header: '总金额 Total', kind: 'money', width: 12, get: (l) => l.total },
    { header: '统筹支付 Fund paid', kind: 'money', width: 12, get: (l) => l.fundPaid },
    { header: '首次 First', kind: 'datetime', width: 19, get: (l) => l.first },
    { header: '末次 Last', kind: 'datetime', width: 19, get: (l) => l.last },
  ], m.links);

  return Buffer.from(await wb.xlsx.writeBuffer());
}
