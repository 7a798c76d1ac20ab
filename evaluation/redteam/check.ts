/**
 * Re-reads a generated dataset and checks the canonical-format rules and the ground truth.
 *
 *   npx tsx evaluation/redteam/check.ts .cache/redteam/default-seed-1 [more dirs…]
 *
 * Exit code 1 when any rule is broken; the first problems of each kind are printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CARD_COLUMNS,
  CLAIM_COLUMNS,
  CLAIM_ITEM_COLUMNS,
  CODE_PATTERNS,
  DOCTOR_COLUMNS,
  FILES,
  INSTITUTION_COLUMNS,
  ITEM_COLUMNS,
  PERSON_COLUMNS,
  REGION_COLUMNS,
} from '../../generator/format.ts';
import { isValidIdNumber, parseIdNumber } from '../../generator/id-number.ts';
import { GroundTruthSchema } from '../formats.ts';

type Row = Record<string, string>;

function parseLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

class Problems {
  private byKind = new Map<string, { n: number; examples: string[] }>();
  add(kind: string, detail: string): void {
    const e = this.byKind.get(kind) ?? { n: 0, examples: [] };
    e.n++;
    if (e.examples.length < 3) e.examples.push(detail);
    this.byKind.set(kind, e);
  }
  get count(): number {
    let n = 0;
    for (const e of this.byKind.values()) n += e.n;
    return n;
  }
  report(): string {
    return [...this.byKind.entries()].map(([k, e]) => `  ${k}: ${e.n} (e.g. ${e.examples.join(' | ')})`).join('\n');
  }
}

function readCsv(dir: string, file: string, columns: readonly string[], P: Problems): Row[] {
  const text = readFileSync(join(dir, file), 'utf8');
  if (text.charCodeAt(0) === 0xfeff) P.add('bom', file);
  if (text.includes('\r')) P.add('crlf', file);
  if (!text.endsWith('\n')) P.add('no-final-newline', file);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = lines[0] ?? '';
  if (header !== columns.join(',')) P.add('header', `${file}: ${header}`);
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = parseLine(lines[i]!);
    if (f.length !== columns.length) {
      P.add('field-count', `${file}:${i + 1}`);
      continue;
    }
    const r: Row = {};
    columns.forEach((c, j) => (r[c] = f[j]!));
    rows.push(r);
  }
  return rows;
}

const AMOUNT = CODE_PATTERNS.amount;
const cents = (s: string) => Math.round(Number(s) * 100);
const LEVELS = ['none', 'primary', 'secondary', 'tertiary'];

export function checkDataset(dir: string): { problems: Problems; summary: string } {
  const P = new Problems();
  const regions = readCsv(dir, FILES.regions, REGION_COLUMNS, P);
  const insts = readCsv(dir, FILES.institutions, INSTITUTION_COLUMNS, P);
  const doctors = readCsv(dir, FILES.doctors, DOCTOR_COLUMNS, P);
  const persons = readCsv(dir, FILES.persons, PERSON_COLUMNS, P);
  const cards = readCsv(dir, FILES.cards, CARD_COLUMNS, P);
  const items = readCsv(dir, FILES.items, ITEM_COLUMNS, P);
  const claims = readCsv(dir, FILES.claims, CLAIM_COLUMNS, P);
  const lines = readCsv(dir, FILES.claimItems, CLAIM_ITEM_COLUMNS, P);

  const uniq = <T>(rows: Row[], key: string, name: string): Map<string, Row> => {
    const m = new Map<string, Row>();
    for (const r of rows) {
      if (m.has(r[key]!)) P.add(`duplicate-${name}`, r[key]!);
      m.set(r[key]!, r);
    }
    return m;
  };
  const coord = (s: string) => /^-?\d+\.\d{5}$/.test(s);

  const R = uniq(regions, 'region_code', 'region');
  for (const r of regions) {
    if (!CODE_PATTERNS.regionCode.test(r.region_code!)) P.add('region-code', r.region_code!);
    if (!coord(r.latitude!) || !coord(r.longitude!)) P.add('region-coord', r.region_code!);
  }
  const I = uniq(insts, 'institution_code', 'institution');
  for (const i of insts) {
    const code = i.institution_code!;
    if (i.kind === 'pharmacy' ? !CODE_PATTERNS.pharmacyCode.test(code) : !CODE_PATTERNS.hospitalOrClinicCode.test(code)) P.add('institution-code', code);
    if (code.slice(1, 7) !== i.region_code) P.add('institution-code-region', code);
    if (!['hospital', 'clinic', 'pharmacy'].includes(i.kind!)) P.add('institution-kind', code);
    if (!LEVELS.includes(i.level!) || (i.kind === 'pharmacy') !== (i.level === 'none')) P.add('institution-level', code);
    if (!R.has(i.region_code!)) P.add('fk-institution-region', code);
    if (!coord(i.latitude!) || !coord(i.longitude!)) P.add('institution-coord', code);
    if (!/^\d+$/.test(i.bed_count!) || (i.kind === 'pharmacy' && i.bed_count !== '0')) P.add('institution-beds', code);
    if (!i.name || !i.address) P.add('institution-empty', code);
  }
  const D = uniq(doctors, 'doctor_code', 'doctor');
  for (const d of doctors) {
    if (!CODE_PATTERNS.doctorCode.test(d.doctor_code!)) P.add('doctor-code', d.doctor_code!);
    const inst = I.get(d.institution_code!);
    if (!inst) P.add('fk-doctor-institution', d.doctor_code!);
    else if (inst.kind === 'pharmacy') P.add('doctor-at-pharmacy', d.doctor_code!);
    if (d.gender !== 'M' && d.gender !== 'F') P.add('doctor-gender', d.doctor_code!);
    if (!['主任医师', '副主任医师', '主治医师', '住院医师'].includes(d.title!)) P.add('doctor-title', d.doctor_code!);
  }
  const Pm = uniq(persons, 'id_number', 'person');
  for (const p of persons) {
    const id = p.id_number!;
    if (!isValidIdNumber(id)) {
      P.add('id-number-invalid', id);
      continue;
    }
    const parsed = parseIdNumber(id)!;
    if (parsed.birthDate !== p.birth_date) P.add('id-birth-mismatch', id);
    if (parsed.gender !== p.gender) P.add('id-gender-mismatch', id);
    if (id.slice(0, 4) !== p.region_code!.slice(0, 4)) P.add('id-region-mismatch', id);
    if (!R.has(p.region_code!)) P.add('fk-person-region', id);
    if (p.insured_type !== 'employee' && p.insured_type !== 'resident') P.add('person-insured-type', id);
    if (!/^HH\d{10}$/.test(p.household_id!)) P.add('household-id', id);
    if (!p.name || !p.address) P.add('person-empty', id);
  }
  const households = new Map<string, string>();
  for (const p of persons) {
    const a = households.get(p.household_id!);
    if (a !== undefined && a !== p.address) P.add('household-address-differs', p.household_id!);
    households.set(p.household_id!, p.address!);
  }
  const Cm = uniq(cards, 'card_id', 'card');
  const physicalPer = new Map<string, number>();
  const evPer = new Map<string, number>();
  for (const c of cards) {
    const pat = c.card_type === 'physical' ? CODE_PATTERNS.physicalCardId : c.card_type === 'e_voucher' ? CODE_PATTERNS.eVoucherId : null;
    if (!pat || !pat.test(c.card_id!)) P.add('card-id', c.card_id!);
    if (!Pm.has(c.holder_id_number!)) P.add('fk-card-holder', c.card_id!);
    if (!R.has(c.issuing_region_code!)) P.add('fk-card-region', c.card_id!);
    if (!CODE_PATTERNS.date.test(c.issued_date!)) P.add('card-date', c.card_id!);
    const m = c.card_type === 'physical' ? physicalPer : evPer;
    m.set(c.holder_id_number!, (m.get(c.holder_id_number!) ?? 0) + 1);
  }
  for (const p of persons) {
    if (physicalPer.get(p.id_number!) !== 1) P.add('person-physical-cards', p.id_number!);
    if ((evPer.get(p.id_number!) ?? 0) > 1) P.add('person-e-vouchers', p.id_number!);
  }
  const It = uniq(items, 'item_code', 'item');
  for (const it of items) {
    const code = it.item_code!;
    const ok =
      it.category === 'drug' ? /^X[A-Z]\d{2}[A-Z]{2}\d{4}$/.test(code) : it.category === 'material' ? /^C\d{8}$/.test(code) : it.category === 'bed' ? /^B\d{8}$/.test(code) : ['exam', 'treatment'].includes(it.category!) ? /^\d{9}$/.test(code) : false;
    if (!ok) P.add('item-code', code);
    if (!AMOUNT.test(it.reference_price!)) P.add('item-price', code);
    if (!['', 'M', 'F'].includes(it.gender_restriction!)) P.add('item-gender', code);
    if (!/^(\d+)?$/.test(it.min_age!) || !/^(\d+)?$/.test(it.max_age!)) P.add('item-age', code);
    if (!['', 'primary', 'secondary', 'tertiary'].includes(it.min_level!)) P.add('item-level', code);
  }
  const hasHba1c = items.some((i) => i.item_name!.includes('糖化血红蛋白'));
  if (!hasHba1c) P.add('catalog-no-hba1c', '');

  // claims
  const Cl = uniq(claims, 'claim_id', 'claim');
  const kinds: Record<string, number> = {};
  let withServed = 0;
  let withTrace = 0;
  for (const c of claims) {
    const id = c.claim_id!;
    kinds[c.claim_kind!] = (kinds[c.claim_kind!] ?? 0) + 1;
    if (!CODE_PATTERNS.claimId.test(id)) P.add('claim-id', id);
    if (!CODE_PATTERNS.timestamp.test(c.settled_at!)) P.add('claim-timestamp', id);
    if (!['outpatient', 'inpatient', 'pharmacy'].includes(c.claim_kind!)) P.add('claim-kind', id);
    const inst = I.get(c.institution_code!);
    if (!inst) P.add('fk-claim-institution', id);
    else {
      if ((c.claim_kind === 'pharmacy') !== (inst.kind === 'pharmacy')) P.add('claim-kind-vs-institution', id);
      if (c.region_code !== inst.region_code) P.add('claim-region', id);
    }
    if (c.claim_kind === 'pharmacy') {
      if (c.department || c.doctor_code) P.add('pharmacy-claim-with-doctor', id);
    } else {
      const d = D.get(c.doctor_code!);
      if (!d) P.add('fk-claim-doctor', id);
      else if (d.institution_code !== c.institution_code) P.add('doctor-not-at-institution', id);
      if (!c.department) P.add('claim-no-department', id);
    }
    const card = Cm.get(c.card_id!);
    if (!card) P.add('fk-claim-card', id);
    else if (card.holder_id_number !== c.insured_id_number) P.add('insured-not-card-holder', id);
    if (!Pm.has(c.insured_id_number!)) P.add('fk-claim-insured', id);
    if (c.served_id_number) {
      withServed++;
      if (!Pm.has(c.served_id_number)) P.add('fk-claim-served', id);
      if (c.identity_check === 'none' || !['face', 'real_name'].includes(c.identity_check!)) P.add('identity-check-vs-served', id);
    } else if (c.identity_check !== 'none') P.add('identity-check-vs-served', id);
    if (!R.has(c.region_code!)) P.add('fk-claim-region', id);
    if (!/^[A-Z]\d{2}(\.\d{1,2})?$/.test(c.diagnosis_code!) || !c.diagnosis_name) P.add('claim-diagnosis', id);
    if (c.claim_kind === 'inpatient') {
      if (!CODE_PATTERNS.date.test(c.admission_date!) || !CODE_PATTERNS.date.test(c.discharge_date!)) P.add('inpatient-dates', id);
      else {
        if (c.admission_date! > c.discharge_date!) P.add('admission-after-discharge', id);
        if (c.settled_at!.slice(0, 10) !== c.discharge_date) P.add('settled-not-on-discharge', id);
      }
    } else if (c.admission_date || c.discharge_date) P.add('dates-on-non-inpatient', id);
    if (c.prescription_id) {
      if (!CODE_PATTERNS.prescriptionId.test(c.prescription_id)) P.add('prescription-id', id);
      if (c.claim_kind !== 'pharmacy') P.add('prescription-on-non-pharmacy', id);
      const d = D.get(c.prescribing_doctor_code!);
      if (!d) P.add('fk-prescribing-doctor', id);
      else if (d.institution_code !== c.prescribing_institution_code) P.add('prescribing-institution', id);
      if (!I.has(c.prescribing_institution_code!)) P.add('fk-prescribing-institution', id);
    } else if (c.prescribing_doctor_code || c.prescribing_institution_code) P.add('prescriber-without-prescription', id);
    for (const k of ['total_amount', 'fund_paid', 'self_paid']) if (!AMOUNT.test(c[k]!)) P.add('claim-amount-format', `${id} ${k}`);
    if (cents(c.fund_paid!) + cents(c.self_paid!) !== cents(c.total_amount!)) P.add('fund-plus-self', id);
    if (!/^\d+$/.test(c.item_count!) || Number(c.item_count) < 1) P.add('item-count-format', id);
  }

  // claim lines: same order, consecutive, counts and sums
  const traces = new Map<string, number>();
  let li = 0;
  let ci = 0;
  let lineSum = 0;
  let lineCount = 0;
  let current = '';
  const closeClaim = () => {
    if (!current) return;
    const c = Cl.get(current)!;
    if (Number(c.item_count) !== lineCount) P.add('item-count', current);
    if (cents(c.total_amount!) !== lineSum) P.add('total-vs-lines', current);
  };
  for (; li < lines.length; li++) {
    const l = lines[li]!;
    if (l.claim_id !== current) {
      closeClaim();
      const expected = claims[ci]?.claim_id;
      if (l.claim_id !== expected) {
        P.add('claim-items-order', `line ${li + 2}: ${l.claim_id} expected ${expected}`);
        if (!Cl.has(l.claim_id!)) P.add('fk-line-claim', l.claim_id!);
      }
      ci++;
      current = l.claim_id!;
      lineSum = 0;
      lineCount = 0;
    }
    lineCount++;
    if (Number(l.line_no) !== lineCount) P.add('line-no', `${l.claim_id}#${l.line_no}`);
    const it = It.get(l.item_code!);
    if (!it) P.add('fk-line-item', l.item_code!);
    else if (it.item_name !== l.item_name || it.category !== l.category) P.add('line-item-name-category', l.item_code!);
    if (!/^\d+(\.\d{1,3})?$/.test(l.quantity!)) P.add('line-quantity', `${l.claim_id}#${l.line_no}`);
    if (!AMOUNT.test(l.unit_price!) || !AMOUNT.test(l.amount!)) P.add('line-amount-format', `${l.claim_id}#${l.line_no}`);
    if (Math.round(Number(l.quantity) * cents(l.unit_price!)) !== cents(l.amount!)) P.add('line-amount', `${l.claim_id}#${l.line_no}`);
    lineSum += cents(l.amount!);
    if (l.trace_code) {
      withTrace++;
      if (!CODE_PATTERNS.traceCode.test(l.trace_code)) P.add('trace-format', l.trace_code);
      if (l.category !== 'drug') P.add('trace-on-non-drug', `${l.claim_id}#${l.line_no}`);
      if (l.quantity !== '1') P.add('trace-quantity', `${l.claim_id}#${l.line_no}`);
      traces.set(l.trace_code, (traces.get(l.trace_code) ?? 0) + 1);
    }
  }
  closeClaim();
  if (ci !== claims.length) P.add('claims-without-lines', `${claims.length - ci}`);
  let reusedCodes = 0;
  for (const n of traces.values()) if (n > 1) reusedCodes++;

  // ground truth
  const truthRaw = JSON.parse(readFileSync(join(dir, FILES.groundTruth), 'utf8'));
  const parsed = GroundTruthSchema.safeParse(truthRaw);
  let ringCount = 0;
  let hnCount = 0;
  if (!parsed.success) P.add('ground-truth-schema', parsed.error.message.slice(0, 300));
  else {
    const gt = parsed.data;
    ringCount = gt.rings.length;
    hnCount = gt.hardNegatives.length;
    const exists = (type: string, id: string) => (type === 'person' ? Pm.has(id) : type === 'card' ? Cm.has(id) : type === 'doctor' ? D.has(id) : type === 'institution' ? I.has(id) : type === 'claim' ? Cl.has(id) : false);
    const hnPersons = new Set<string>();
    const coreInst = new Set<string>();
    for (const g of gt.hardNegatives) {
      for (const m of g.members) {
        if (!exists(m.type, m.id)) P.add('hn-member-missing', `${g.groupId} ${m.type}:${m.id}`);
        if (m.type === 'person') hnPersons.add(m.id);
        if (m.core) coreInst.add(m.id);
      }
      for (const id of g.claimIds) if (!Cl.has(id)) P.add('hn-claim-missing', `${g.groupId} ${id}`);
      if (g.claimCount !== g.claimIds.length) P.add('hn-claim-count', g.groupId);
    }
    const ringIds = new Set<string>();
    for (const r of gt.rings) {
      if (ringIds.has(r.ringId)) P.add('duplicate-ring-id', r.ringId);
      ringIds.add(r.ringId);
      const seen = new Set<string>();
      for (const m of r.members) {
        if (!exists(m.type, m.id)) P.add('ring-member-missing', `${r.ringId} ${m.type}:${m.id}`);
        if (seen.has(m.type + m.id)) P.add('ring-member-twice', `${r.ringId} ${m.id}`);
        seen.add(m.type + m.id);
        if (m.type === 'person' && hnPersons.has(m.id)) P.add('ring-person-in-hard-negative', `${r.ringId} ${m.id}`);
        if (m.type === 'institution' && coreInst.has(m.id)) P.add('ring-uses-core-institution', `${r.ringId} ${m.id}`);
      }
      let total = 0;
      let fund = 0;
      for (const id of r.claimIds) {
        const c = Cl.get(id);
        if (!c) {
          P.add('ring-claim-missing', `${r.ringId} ${id}`);
          continue;
        }
        total += cents(c.total_amount!);
        fund += cents(c.fund_paid!);
      }
      if ([...r.claimIds].sort().join() !== r.claimIds.join()) P.add('ring-claims-not-sorted', r.ringId);
      if (r.claimCount !== r.claimIds.length) P.add('ring-claim-count', r.ringId);
      if (cents(r.totalAmount) !== total || cents(r.fundPaid) !== fund) P.add('ring-amounts', r.ringId);
      if (r.claimIds.length === 0) P.add('ring-without-claims', r.ringId);
      if (!/^R-[A-Z]{2}-\d{4}$/.test(r.ringId)) P.add('ring-id', r.ringId);
    }
  }
  const manifest = JSON.parse(readFileSync(join(dir, FILES.manifest), 'utf8')) as { counts: Record<string, number> };
  const expect: Record<string, number> = { regions: regions.length, institutions: insts.length, doctors: doctors.length, persons: persons.length, cards: cards.length, items: items.length, claims: claims.length, claimItems: lines.length };
  for (const [k, v] of Object.entries(expect)) if (manifest.counts[k] !== v) P.add('manifest-count', `${k}: ${manifest.counts[k]} vs ${v}`);

  const summary = `${claims.length} claims (${Object.entries(kinds).map(([k, v]) => `${k} ${v}`).join(', ')}), ${lines.length} lines, ${persons.length} persons, ${cards.length} cards, ${insts.length} institutions, ${doctors.length} doctors; served recorded on ${((100 * withServed) / claims.length).toFixed(1)}%; ${withTrace} traced lines, ${reusedCodes} reused codes; ${ringCount} rings, ${hnCount} hard-negative groups`;
  return { problems: P, summary };
}

const dirs = process.argv.slice(2);
if (dirs.length) {
  let bad = 0;
  for (const dir of dirs) {
    const { problems, summary } = checkDataset(dir);
    if (problems.count === 0) process.stdout.write(`OK   ${dir}: ${summary}\n`);
    else {
      bad++;
      process.stdout.write(`FAIL ${dir}: ${problems.count} problems\n${problems.report()}\n  ${summary}\n`);
    }
  }
  process.exitCode = bad ? 1 : 0;
}
