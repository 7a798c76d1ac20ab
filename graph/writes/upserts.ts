import type { RowKind } from '../../ingest/validate/rows.ts';

/**
 * One idempotent UNWIND … MERGE statement per canonical file kind. Nodes are merged on their natural
 * keys (each backed by a uniqueness constraint, migration 1), so loading a file twice changes nothing
 * and a later file updates what an earlier one created. Entities a row only refers to (a claim's card,
 * its institution) are merged by key too: reference files may arrive after the claims that use them.
 */
const when = (cond: string, body: string) => `FOREACH (_ IN CASE WHEN ${cond} THEN [1] ELSE [] END | ${body})`;

/** Claim properties from a claims.csv row `r`: the MERGE statement SETs them, the fast path CREATEs with them. */
export const CLAIM_PROPERTIES: [string, string][] = [
  ['settledAt', 'datetime(r.settled_at)'],
  ['kind', 'r.claim_kind'],
  ['department', 'r.department'],
  ['region', 'r.region_code'],
  ['diagnosisCode', 'r.diagnosis_code'],
  ['diagnosisName', 'r.diagnosis_name'],
  ['admissionDate', 'date(r.admission_date)'],
  ['dischargeDate', 'date(r.discharge_date)'],
  ['prescriptionId', 'r.prescription_id'],
  ['identityCheck', "coalesce(r.identity_check, 'none')"],
  ['itemCount', 'r.item_count'],
  ['total', 'r.total_amount'],
  ['fundPaid', 'r.fund_paid'],
  ['selfPaid', 'coalesce(r.self_paid, round(r.total_amount - r.fund_paid, 2))'],
  ['cardNo', 'r.card_id'],
  ['institutionCode', 'r.institution_code'],
  // The keys a claim's BY, PRESCRIBED_BY and FOR relationships lead to, denormalised like cardNo and
  // institutionCode: the detection projection reads a claim without traversing its relationships.
  ['doctorCode', 'r.doctor_code'],
  ['prescriberCode', 'r.prescribing_doctor_code'],
  ['servedIdNumber', 'r.served_id_number'],
  // graph/writes/ingest-sequence.ts: the batch's sequence number, for incremental projections.
  ['ingestSeq', '$seq'],
];

export const UPSERTS: Record<RowKind, string> = {
  regions: `
UNWIND $rows AS r
MERGE (g:Region {code: r.region_code})
SET g.name = r.region_name, g.province = r.province_name, g.latitude = r.latitude, g.longitude = r.longitude`,

  institutions: `
UNWIND $rows AS r
MERGE (i:Institution {code: r.institution_code})
SET i.name = r.name, i.kind = r.kind, i.level = r.level, i.region = r.region_code, i.address = r.address,
    i.latitude = r.latitude, i.longitude = r.longitude, i.bedCount = r.bed_count, i.ingestSeq = $seq
MERGE (g:Region {code: r.region_code})
MERGE (i)-[:IN_REGION]->(g)`,

  doctors: `
UNWIND $rows AS r
MERGE (d:Doctor {code: r.doctor_code})
SET d.name = r.name, d.gender = r.gender, d.institutionCode = r.institution_code, d.department = r.department, d.title = r.title, d.ingestSeq = $seq
MERGE (i:Institution {code: r.institution_code})
ON CREATE SET i.ingestSeq = $seq
MERGE (d)-[:WORKS_AT]->(i)`,

  persons: `
UNWIND $rows AS r
MERGE (p:Person {idNumber: r.id_number})
SET p.name = r.name, p.gender = r.gender, p.birthDate = date(r.birth_date), p.region = r.region_code,
    p.insuredType = r.insured_type, p.householdId = r.household_id, p.address = r.address, p.ingestSeq = $seq`,

  cards: `
UNWIND $rows AS r
MERGE (c:Card {cardNo: r.card_id})
SET c.type = r.card_type, c.holderIdNumber = r.holder_id_number, c.issuedDate = date(r.issued_date), c.region = r.issuing_region_code, c.ingestSeq = $seq
MERGE (p:Person {idNumber: r.holder_id_number})
ON CREATE SET p.ingestSeq = $seq
MERGE (p)-[:HOLDS]->(c)`,

  items: `
UNWIND $rows AS r
MERGE (i:Item {code: r.item_code})
SET i.name = r.item_name, i.category = r.category, i.unit = r.unit, i.referencePrice = r.reference_price,
    i.genderRestriction = r.gender_restriction, i.minAge = r.min_age, i.maxAge = r.max_age, i.minLevel = r.min_level, i.ingestSeq = $seq`,

  // A row for a claim that exists is a correction: it replaces the relationships a claims row
  // describes (item lines come from their own file), as SET replaces the properties — never a second AT.
  claims: `
UNWIND $rows AS r
MERGE (c:Claim {claimId: r.claim_id})
WITH c, r
CALL (c) { MATCH (c)-[link:CHARGED_TO|AT|BY|FOR|PRESCRIBED_BY]->() DELETE link }
SET ${CLAIM_PROPERTIES.map(([k, v]) => `c.${k} = ${v}`).join(', ')}
MERGE (card:Card {cardNo: r.card_id})
ON CREATE SET card.holderIdNumber = r.insured_id_number, card.ingestSeq = $seq
MERGE (c)-[:CHARGED_TO]->(card)
MERGE (holder:Person {idNumber: r.insured_id_number})
ON CREATE SET holder.ingestSeq = $seq
MERGE (holder)-[:HOLDS]->(card)
MERGE (inst:Institution {code: r.institution_code})
ON CREATE SET inst.ingestSeq = $seq
MERGE (c)-[:AT]->(inst)
${when('r.doctor_code IS NOT NULL', 'MERGE (d:Doctor {code: r.doctor_code}) ON CREATE SET d.ingestSeq = $seq MERGE (c)-[:BY]->(d)')}
${when('r.served_id_number IS NOT NULL', 'MERGE (s:Person {idNumber: r.served_id_number}) ON CREATE SET s.ingestSeq = $seq MERGE (c)-[:FOR]->(s)')}
${when('r.prescribing_doctor_code IS NOT NULL', 'MERGE (pd:Doctor {code: r.prescribing_doctor_code}) ON CREATE SET pd.ingestSeq = $seq MERGE (c)-[:PRESCRIBED_BY]->(pd)')}`,

  claim_items: `
UNWIND $rows AS r
MERGE (c:Claim {claimId: r.claim_id})
SET c.ingestSeq = $seq
MERGE (i:Item {code: r.item_code})
ON CREATE SET i.name = r.item_name, i.category = r.category, i.ingestSeq = $seq
MERGE (c)-[b:BILLED {lineNo: r.line_no}]->(i)
SET b.quantity = r.quantity, b.unitPrice = r.unit_price, b.amount = r.amount, b.traceCode = r.trace_code
${when('r.trace_code IS NOT NULL', 'MERGE (t:TraceCode {code: r.trace_code}) MERGE (c)-[:DISPENSED {lineNo: r.line_no}]->(t)')}`,
};

/** Files of a folder load in this order so referenced entities usually exist first. */
export const LOAD_ORDER: RowKind[] = ['regions', 'institutions', 'items', 'doctors', 'persons', 'cards', 'claims', 'claim_items'];
