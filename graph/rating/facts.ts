/**
 * What the graph knows about each institution for a rating period (rating/compute.ts turns it into
 * indicator values). One query per kind of fact over all institutions, each reading the period's
 * claims through the settledAt index; rings are read as detection left them (active rings, their
 * evidence claims, the verdict a case copied onto them).
 */
import type { Driver } from 'neo4j-driver';
import type { InstitutionFacts } from '../../rating/compute.ts';
import { epochDay, type ItemLine, type RingClaim, type Stay, type TestLine } from '../../rating/indicators.ts';
import type { Verdict } from '../../rating/model.ts';
import type { Period } from '../../rating/period.ts';

/** Items whose repetition the over-testing signal counts (HbA1c, BRIEF scenario 6). */
export const TEST_ITEM_NAMES = ['糖化血红蛋白'];

export const at = (date: string) => `${date}T00:00:00+08:00`;
export const dayShift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The person served by a claim: the recorded recipient, else the card's holder. */
export const SERVED = `coalesce([(c)-[:FOR]->(p:Person) | p.idNumber][0], [(c)-[:CHARGED_TO]->(k:Card) | k.holderIdNumber][0], c.cardNo)`;

export const verdictOf = (v: unknown): Verdict => (v === 'fraud' ? 'confirmed' : v === 'false-positive' ? 'dismissed' : 'open');

export async function readInstitutionFacts(driver: Driver, period: Period, previous: Period, opts: { readmissionDays: number }): Promise<InstitutionFacts[]> {
  const read = async (cypher: string, params: Record<string, unknown>) => (await driver.executeQuery(cypher, params, { routing: 'READ' })).records.map((r) => r.toObject() as Record<string, any>);
  const range = { start: at(period.start), end: at(period.end) };

  const institutions = await read('MATCH (i:Institution) RETURN i.code AS code, i.name AS name, i.kind AS kind, i.level AS level, i.region AS region ORDER BY code', {});
  const facts = new Map<string, InstitutionFacts>(
    institutions.map((i) => [
      i.code as string,
      {
        code: i.code,
        name: i.name ?? null,
        kind: i.kind ?? null,
        level: i.level ?? null,
        region: i.region ?? null,
        current: { claims: 0, patients: 0, fund: 0 },
        previous: { claims: 0, fund: 0 },
        ringClaims: [],
        restrictedLines: [],
        stays: [],
        tests: [],
        fills: [],
        imported: {},
      },
    ]),
  );
  const of = (code: unknown) => facts.get(code as string);

  for (const r of await read(
    `MATCH (c:Claim) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     WITH c.institutionCode AS code, c, ${SERVED} AS person
     RETURN code, count(c) AS claims, count(DISTINCT person) AS patients, sum(c.fundPaid) AS fund`,
    range,
  )) {
    const f = of(r.code);
    if (f) f.current = { claims: r.claims, patients: r.patients, fund: r.fund ?? 0 };
  }
  for (const r of await read(
    `MATCH (c:Claim) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     RETURN c.institutionCode AS code, count(c) AS claims, sum(c.fundPaid) AS fund`,
    { start: at(previous.start), end: at(previous.end) },
  )) {
    const f = of(r.code);
    if (f) f.previous = { claims: r.claims, fund: r.fund ?? 0 };
  }

  for (const r of await read(
    `MATCH (ring:Ring {status: 'active'})-[:EVIDENCED_BY]->(c:Claim)
     WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     RETURN c.institutionCode AS code, c.claimId AS claimId, ${SERVED} AS personId, c.fundPaid AS fundPaid,
            ring.ringId AS ringId, ring.family AS family, ring.verdict AS verdict`,
    range,
  )) {
    const f = of(r.code);
    if (f) f.ringClaims.push({ claimId: r.claimId, personId: r.personId ?? r.claimId, fundPaid: r.fundPaid ?? 0, ringId: r.ringId, family: r.family ?? 'unknown', verdict: verdictOf(r.verdict) } satisfies RingClaim);
  }

  for (const r of await read(
    `MATCH (it:Item) WHERE coalesce(it.minLevel, '') <> '' OR coalesce(it.genderRestriction, '') <> '' OR it.minAge IS NOT NULL OR it.maxAge IS NOT NULL
     MATCH (c:Claim)-[:BILLED]->(it) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     WITH c, it, [(c)-[:FOR]->(p:Person) | p][0] AS served, [(c)-[:CHARGED_TO]->(:Card)<-[:HOLDS]-(h:Person) | h][0] AS holder
     WITH c, it, coalesce(served, holder) AS p
     RETURN c.institutionCode AS code, c.claimId AS claimId, it.minLevel AS itemMinLevel, it.genderRestriction AS itemGender,
            it.minAge AS itemMinAge, it.maxAge AS itemMaxAge, p.gender AS patientGender,
            CASE WHEN p.birthDate IS NULL THEN null ELSE duration.between(p.birthDate, date(c.settledAt)).years END AS patientAge`,
    range,
  )) {
    const f = of(r.code);
    if (f)
      f.restrictedLines.push({
        claimId: r.claimId,
        institutionLevel: f.level,
        itemMinLevel: r.itemMinLevel || null,
        itemGender: r.itemGender || null,
        itemMinAge: r.itemMinAge ?? null,
        itemMaxAge: r.itemMaxAge ?? null,
        patientGender: r.patientGender || null,
        patientAge: r.patientAge ?? null,
      } satisfies ItemLine);
  }

  // Stays around both periods: a stay discharged at the start of the previous period, readmitted in the window after the period's end.
  for (const r of await read(
    `MATCH (c:Claim) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end) AND c.kind = 'inpatient' AND c.admissionDate IS NOT NULL
     RETURN c.institutionCode AS code, c.claimId AS claimId, ${SERVED} AS personId, toString(c.admissionDate) AS admission,
            toString(coalesce(c.dischargeDate, date(c.settledAt))) AS discharge, c.diagnosisCode AS diagnosis`,
    { start: at(dayShift(previous.start, -opts.readmissionDays)), end: at(dayShift(period.end, opts.readmissionDays + 1)) },
  )) {
    const f = of(r.code);
    if (f) f.stays.push({ claimId: r.claimId, personId: r.personId ?? r.claimId, admission: epochDay(r.admission), discharge: epochDay(r.discharge), diagnosis: r.diagnosis ?? null } satisfies Stay);
  }

  for (const r of await read(
    `MATCH (it:Item) WHERE any(n IN $names WHERE it.name CONTAINS n)
     MATCH (c:Claim)-[:BILLED]->(it) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     RETURN c.institutionCode AS code, c.claimId AS claimId, ${SERVED} AS personId, toString(date(c.settledAt)) AS day`,
    { ...range, names: TEST_ITEM_NAMES },
  )) {
    const f = of(r.code);
    if (f) f.tests.push({ claimId: r.claimId, personId: r.personId ?? r.claimId, day: epochDay(r.day) } satisfies TestLine);
  }

  // External prescriptions: a pharmacy's fills per prescribing doctor; a hospital's or clinic's per filling pharmacy.
  const perPharmacy = new Map<string, number[]>();
  const perPrescriber = new Map<string, Map<string, number>>();
  for (const r of await read(
    `MATCH (c:Claim)-[:PRESCRIBED_BY]->(d:Doctor) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     RETURN c.institutionCode AS pharmacy, d.code AS doctor, d.institutionCode AS hospital, count(c) AS fills`,
    range,
  )) {
    const list = perPharmacy.get(r.pharmacy) ?? [];
    list.push(r.fills);
    perPharmacy.set(r.pharmacy, list);
    if (r.hospital) {
      const m = perPrescriber.get(r.hospital) ?? new Map<string, number>();
      m.set(r.pharmacy, (m.get(r.pharmacy) ?? 0) + r.fills);
      perPrescriber.set(r.hospital, m);
    }
  }
  for (const f of facts.values()) {
    f.fills = f.kind === 'pharmacy' ? (perPharmacy.get(f.code) ?? []) : [...(perPrescriber.get(f.code)?.values() ?? [])];
  }

  for (const r of await read('MATCH (x:RatingImport {period: $period}) RETURN x.institutionCode AS code, x.indicator AS indicator, x.value AS value', { period: period.key })) {
    const f = of(r.code);
    if (f) f.imported[r.indicator] = r.value;
  }
  return [...facts.values()];
}
