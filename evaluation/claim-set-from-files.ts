import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { ClaimSetBuilder, type LineRecord } from '../algorithms/claim-set-builder.ts';
import type { ClaimSet } from '../algorithms/claim-set.ts';

/**
 * Builds a ClaimSet straight from a generated dataset (canonical CSV files), bypassing Neo4j. For
 * tuning and scoring detectors on large generated data quickly; production runs project from Neo4j
 * (graph/projection), which sees exactly what ingest validated and stored.
 */

async function* rows(file: string): AsyncGenerator<Record<string, string>> {
  if (!existsSync(file)) throw new Error(`${file}: not found (expected a dataset written by "ringlens generate")`);
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true }));
  for await (const r of parser) yield r as Record<string, string>;
}

const opt = (s: string | undefined) => (s === undefined || s === '' ? null : s);
const optNum = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

export async function claimSetFromFiles(dir: string): Promise<ClaimSet> {
  const f = (name: string) => path.join(dir, name);
  const b = new ClaimSetBuilder(1 << 16);
  for await (const r of rows(f('regions.csv'))) b.region(r.region_code!, r.region_name);
  for await (const r of rows(f('institutions.csv')))
    b.institution({ id: r.institution_code!, name: r.name, kind: r.kind, level: opt(r.level), region: r.region_code, lat: optNum(r.latitude), lon: optNum(r.longitude) });
  for await (const r of rows(f('doctors.csv'))) b.doctor({ id: r.doctor_code!, name: r.name, institutionId: r.institution_code, department: r.department });
  for await (const r of rows(f('items.csv')))
    b.item({ id: r.item_code!, name: r.item_name, category: r.category, gender: opt(r.gender_restriction), minAge: optNum(r.min_age), maxAge: optNum(r.max_age), minLevel: opt(r.min_level) });
  for await (const r of rows(f('persons.csv')))
    b.person({ id: r.id_number!, name: r.name, gender: r.gender, birthDate: r.birth_date, householdId: opt(r.household_id), address: opt(r.address), region: r.region_code });
  for await (const r of rows(f('cards.csv'))) b.card({ id: r.card_id!, holderId: r.holder_id_number });

  // claim_items.csv is written in claim order, so lines can be joined while streaming both files.
  const items = rows(f('claim_items.csv'));
  let pending = await items.next();
  const trace = new Map<string, string[]>();
  for await (const r of rows(f('claims.csv'))) {
    const id = r.claim_id!;
    const lines: LineRecord[] = [];
    while (!pending.done && pending.value.claim_id === id) {
      const l = pending.value;
      lines.push({ itemId: l.item_code! });
      if (l.trace_code) {
        const list = trace.get(l.trace_code);
        if (list) list.push(id);
        else trace.set(l.trace_code, [id]);
      }
      pending = await items.next();
    }
    b.claim({
      id,
      settledAt: Date.parse(r.settled_at!) / 1000,
      kind: r.claim_kind!,
      institutionId: r.institution_code!,
      cardId: r.card_id!,
      holderId: r.insured_id_number,
      doctorId: opt(r.doctor_code),
      rxDoctorId: opt(r.prescribing_doctor_code),
      servedId: opt(r.served_id_number),
      check: opt(r.identity_check),
      diagnosisCode: opt(r.diagnosis_code),
      diagnosisName: opt(r.diagnosis_name),
      admissionDate: opt(r.admission_date),
      dischargeDate: opt(r.discharge_date),
      total: Number(r.total_amount),
      fund: Number(r.fund_paid),
      lines,
    });
  }
  if (!pending.done) throw new Error(`${f('claim_items.csv')}: line of claim ${pending.value.claim_id} does not follow claims.csv order`);
  for (const [code, ids] of trace) if (new Set(ids).size > 1) b.traceCode(code, [...new Set(ids)]);
  return b.build();
}
