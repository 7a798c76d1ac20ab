/**
 * What the graph knows about each doctor for a rating period (rating/compute.ts turns it into indicator
 * values with the doctor model). A doctor's claims are the settlements the doctor attended
 * (`(Claim)-[:BY]->(Doctor)`) and the external prescriptions the doctor wrote that a pharmacy filled
 * (`(Claim)-[:PRESCRIBED_BY]->(Doctor)`): kickback rings show in the second, recruited patients and
 * split stays in the first. Only doctors with a claim in the period or the one before are rated.
 */
import type { Driver } from 'neo4j-driver';
import type { SubjectFacts } from '../../rating/compute.ts';
import { epochDay, type ItemLine, type RingClaim, type Stay, type TestLine } from '../../rating/indicators.ts';
import type { Period } from '../../rating/period.ts';
import type { PeerGroup } from '../../rating/score.ts';
import { at, dayShift, SERVED, TEST_ITEM_NAMES, verdictOf } from './facts.ts';

export interface DoctorFacts extends SubjectFacts {
  department: string | null;
  institutionCode: string | null;
  institutionName: string | null;
}

/** A doctor's peers: the same department at institutions of the same kind and level, then of the same kind, then the department anywhere. */
export function doctorPeerGroups(department: string | null, kind: string | null, level: string | null): { group: PeerGroup; key: string }[] {
  return [
    { group: 'department-kind-level', key: `${department}|${kind}|${level}` },
    { group: 'department-kind', key: `${department}|${kind}` },
    { group: 'department', key: `${department}` },
  ];
}

/** The claims of a doctor in a time range: attended or prescribed (one row per claim and doctor). */
const OWN = `MATCH (c:Claim)-[:BY|PRESCRIBED_BY]->(d:Doctor) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
  WITH DISTINCT d, c`;

export async function readDoctorFacts(driver: Driver, period: Period, previous: Period, opts: { readmissionDays: number }): Promise<DoctorFacts[]> {
  const read = async (cypher: string, params: Record<string, unknown>) => (await driver.executeQuery(cypher, params, { routing: 'READ' })).records.map((r) => r.toObject() as Record<string, any>);
  const range = { start: at(period.start), end: at(period.end) };
  const prevRange = { start: at(previous.start), end: at(previous.end) };

  const current = await read(`${OWN} WITH d.code AS code, c, ${SERVED} AS person RETURN code, count(c) AS claims, count(DISTINCT person) AS patients, sum(c.fundPaid) AS fund`, range);
  const before = await read(`${OWN} RETURN d.code AS code, count(c) AS claims, sum(c.fundPaid) AS fund`, prevRange);
  const active = [...new Set([...current, ...before].map((r) => r.code as string))];
  const doctors = await read(
    `UNWIND $codes AS code MATCH (d:Doctor {code: code})
     OPTIONAL MATCH (i:Institution {code: d.institutionCode})
     RETURN d.code AS code, d.name AS name, d.department AS department, d.institutionCode AS institutionCode,
            i.name AS institutionName, i.kind AS kind, i.level AS level, i.region AS region ORDER BY code`,
    { codes: active },
  );
  const facts = new Map<string, DoctorFacts>(
    doctors.map((d) => [
      d.code as string,
      {
        code: d.code,
        name: d.name ?? null,
        kind: d.kind ?? null,
        level: d.level ?? null,
        region: d.region ?? null,
        department: d.department || null,
        institutionCode: d.institutionCode ?? null,
        institutionName: d.institutionName ?? null,
        current: { claims: 0, patients: 0, fund: 0 },
        previous: { claims: 0, fund: 0 },
        ringClaims: [],
        restrictedLines: [],
        stays: [],
        tests: [],
        fills: [],
        imported: {},
        peerGroups: doctorPeerGroups(d.department || null, d.kind ?? null, d.level ?? null),
        splitStaysOf: d.code,
      },
    ]),
  );
  const of = (code: unknown) => facts.get(code as string);
  for (const r of current) {
    const f = of(r.code);
    if (f) f.current = { claims: r.claims, patients: r.patients, fund: r.fund ?? 0 };
  }
  for (const r of before) {
    const f = of(r.code);
    if (f) f.previous = { claims: r.claims, fund: r.fund ?? 0 };
  }

  for (const r of await read(
    `MATCH (ring:Ring {status: 'active'})-[:EVIDENCED_BY]->(c:Claim)
     WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     MATCH (c)-[:BY|PRESCRIBED_BY]->(d:Doctor)
     WITH DISTINCT ring, c, d
     RETURN d.code AS code, c.claimId AS claimId, ${SERVED} AS personId, c.fundPaid AS fundPaid,
            ring.ringId AS ringId, ring.family AS family, ring.verdict AS verdict`,
    range,
  )) {
    const f = of(r.code);
    if (f) f.ringClaims.push({ claimId: r.claimId, personId: r.personId ?? r.claimId, fundPaid: r.fundPaid ?? 0, ringId: r.ringId, family: r.family ?? 'unknown', verdict: verdictOf(r.verdict) } satisfies RingClaim);
  }

  // Code mismatch on the claims the doctor attended, against the level of the institution they were settled at.
  for (const r of await read(
    `MATCH (it:Item) WHERE coalesce(it.minLevel, '') <> '' OR coalesce(it.genderRestriction, '') <> '' OR it.minAge IS NOT NULL OR it.maxAge IS NOT NULL
     MATCH (c:Claim)-[:BILLED]->(it) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     MATCH (c)-[:BY]->(d:Doctor)
     WITH d, c, it, [(c)-[:FOR]->(p:Person) | p][0] AS served, [(c)-[:CHARGED_TO]->(:Card)<-[:HOLDS]-(h:Person) | h][0] AS holder,
          [(c)-[:AT]->(i:Institution) | i.level][0] AS institutionLevel
     WITH d, c, it, coalesce(served, holder) AS p, institutionLevel
     RETURN d.code AS code, c.claimId AS claimId, institutionLevel, it.minLevel AS itemMinLevel, it.genderRestriction AS itemGender,
            it.minAge AS itemMinAge, it.maxAge AS itemMaxAge, p.gender AS patientGender,
            CASE WHEN p.birthDate IS NULL THEN null ELSE duration.between(p.birthDate, date(c.settledAt)).years END AS patientAge`,
    range,
  )) {
    const f = of(r.code);
    if (f)
      f.restrictedLines.push({
        claimId: r.claimId,
        institutionLevel: r.institutionLevel ?? null,
        itemMinLevel: r.itemMinLevel || null,
        itemGender: r.itemGender || null,
        itemMinAge: r.itemMinAge ?? null,
        itemMaxAge: r.itemMaxAge ?? null,
        patientGender: r.patientGender || null,
        patientAge: r.patientAge ?? null,
      } satisfies ItemLine);
  }

  // Split stays: every stay at each institution (whoever attended it), shared by that institution's doctors.
  const staysByInstitution = new Map<string, Stay[]>();
  for (const r of await read(
    `MATCH (c:Claim) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end) AND c.kind = 'inpatient' AND c.admissionDate IS NOT NULL
     RETURN c.institutionCode AS institution, c.claimId AS claimId, ${SERVED} AS personId, toString(c.admissionDate) AS admission,
            toString(coalesce(c.dischargeDate, date(c.settledAt))) AS discharge, c.diagnosisCode AS diagnosis, [(c)-[:BY]->(d:Doctor) | d.code][0] AS doctor`,
    { start: at(dayShift(previous.start, -opts.readmissionDays)), end: at(dayShift(period.end, opts.readmissionDays + 1)) },
  )) {
    const list = staysByInstitution.get(r.institution) ?? [];
    list.push({ claimId: r.claimId, personId: r.personId ?? r.claimId, admission: epochDay(r.admission), discharge: epochDay(r.discharge), diagnosis: r.diagnosis ?? null, doctor: r.doctor ?? null });
    staysByInstitution.set(r.institution, list);
  }
  for (const f of facts.values()) if (f.institutionCode) f.stays = staysByInstitution.get(f.institutionCode) ?? [];

  for (const r of await read(
    `MATCH (it:Item) WHERE any(n IN $names WHERE it.name CONTAINS n)
     MATCH (c:Claim)-[:BILLED]->(it) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     MATCH (c)-[:BY]->(d:Doctor)
     RETURN d.code AS code, c.claimId AS claimId, ${SERVED} AS personId, toString(date(c.settledAt)) AS day`,
    { ...range, names: TEST_ITEM_NAMES },
  )) {
    const f = of(r.code);
    if (f) f.tests.push({ claimId: r.claimId, personId: r.personId ?? r.claimId, day: epochDay(r.day) } satisfies TestLine);
  }

  // External prescriptions: the doctor's fills per filling pharmacy.
  for (const r of await read(
    `MATCH (c:Claim)-[:PRESCRIBED_BY]->(d:Doctor) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
     RETURN d.code AS code, c.institutionCode AS pharmacy, count(c) AS fills`,
    range,
  )) {
    of(r.code)?.fills.push(r.fills);
  }

  for (const r of await read('MATCH (x:DoctorRatingImport {period: $period}) RETURN x.doctorCode AS code, x.indicator AS indicator, x.value AS value', { period: period.key })) {
    const f = of(r.code);
    if (f) f.imported[r.indicator] = r.value;
  }
  return [...facts.values()];
}
