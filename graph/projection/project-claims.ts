import type { Driver } from 'neo4j-driver';
import { ClaimSetBuilder, type LineRecord } from '../../algorithms/claim-set-builder.ts';
import type { ClaimSet } from '../../algorithms/claim-set.ts';
import { streamRows } from './stream.ts';

/**
 * Projects what the detectors need from Neo4j into a compact ClaimSet: reference tables whole (they
 * are small), claims filtered by region and period and streamed with their item lines folded in, and
 * only those traceability codes that more than one claim dispensed.
 */

export interface ProjectionScope {
  /** pooling-region code (Claim.region) */
  region?: string | undefined;
  /** inclusive, YYYY-MM-DD, China time */
  since?: string | undefined;
  /** inclusive, YYYY-MM-DD, China time */
  until?: string | undefined;
  /**
   * only the claims charged to these cards or written/prescribed by these doctors (the cross-region
   * pass of a partitioned run, detection/partitioned.ts); region is then ignored
   */
  claimsOf?: { cards: string[]; doctors: string[] } | undefined;
}

export interface ProjectionProgress {
  stage: 'reference' | 'persons' | 'cards' | 'claims' | 'trace-codes';
  done: number;
  total?: number;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function claimFilter(scope: ProjectionScope): { match: string; where: string; params: Record<string, unknown> } {
  const conds: string[] = [];
  const params: Record<string, unknown> = {};
  let match = 'MATCH (c:Claim)';
  if (scope.claimsOf) {
    // Through the Card and Doctor key constraints, not a scan of every claim; UNION drops a claim
    // reached both ways.
    match = `CALL () {
      UNWIND $cards AS k MATCH (:Card {cardNo: k})<-[:CHARGED_TO]-(c:Claim) RETURN c
      UNION
      UNWIND $doctors AS d MATCH (:Doctor {code: d})<-[:BY|PRESCRIBED_BY]-(c:Claim) RETURN c
    }
    WITH c`;
    params.cards = scope.claimsOf.cards;
    params.doctors = scope.claimsOf.doctors;
  } else if (scope.region) {
    conds.push('c.region = $region');
    params.region = scope.region;
  }
  if (scope.since) {
    conds.push("c.settledAt >= datetime({date: date($since), timezone: '+08:00'})");
    params.since = scope.since;
  }
  if (scope.until) {
    conds.push("c.settledAt < datetime({date: date($until), timezone: '+08:00'}) + duration('P1D')");
    params.until = scope.until;
  }
  return { match, where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

export async function projectClaims(driver: Driver, scope: ProjectionScope = {}, onProgress: (p: ProjectionProgress) => void = () => {}): Promise<ClaimSet> {
  const { match, where, params } = claimFilter(scope);
  const countRows = await driver.executeQuery(`${match} ${where} RETURN count(c) AS n`, params);
  const expected = Number(countRows.records[0]?.get('n') ?? 0);
  const b = new ClaimSetBuilder(expected);

  await streamRows(driver, 'MATCH (g:Region) RETURN g.code, g.name', {}, ([code, name]) => b.region(String(code), str(name)));
  await streamRows(driver, 'MATCH (i:Institution) RETURN i.code, i.name, i.kind, i.level, i.region, i.latitude, i.longitude', {}, ([id, name, kind, level, region, lat, lon]) =>
    b.institution({ id: String(id), name: str(name), kind: str(kind), level: str(level), region: str(region), lat: num(lat), lon: num(lon) }),
  );
  await streamRows(driver, 'MATCH (d:Doctor) RETURN d.code, d.name, d.institutionCode, d.department', {}, ([id, name, inst, dept]) =>
    b.doctor({ id: String(id), name: str(name), institutionId: str(inst), department: str(dept) }),
  );
  await streamRows(driver, 'MATCH (i:Item) RETURN i.code, i.name, i.category, i.genderRestriction, i.minAge, i.maxAge, i.minLevel', {}, ([id, name, category, gender, minAge, maxAge, minLevel]) =>
    b.item({ id: String(id), name: str(name), category: str(category), gender: str(gender), minAge: num(minAge), maxAge: num(maxAge), minLevel: str(minLevel) }),
  );
  onProgress({ stage: 'reference', done: 1, total: 1 });

  let persons = 0;
  await streamRows(driver, 'MATCH (p:Person) RETURN p.idNumber, p.name, p.gender, toString(p.birthDate), p.householdId, p.address, p.region', {}, ([id, name, gender, birth, household, address, region]) => {
    b.person({ id: String(id), name: str(name), gender: str(gender), birthDate: str(birth), householdId: str(household), address: str(address), region: str(region) });
    if (++persons % 100_000 === 0) onProgress({ stage: 'persons', done: persons });
  });
  onProgress({ stage: 'persons', done: persons, total: persons });
  let cards = 0;
  await streamRows(driver, 'MATCH (c:Card) RETURN c.cardNo, c.holderIdNumber', {}, ([id, holder]) => {
    b.card({ id: String(id), holderId: str(holder) });
    if (++cards % 100_000 === 0) onProgress({ stage: 'cards', done: cards });
  });
  onProgress({ stage: 'cards', done: cards, total: cards });

  // Item lines travel as one flat list per claim ([code, quantity, amount, code, …]): far fewer
  // objects for the driver to decode than a list of maps.
  const claimQuery = `
${match} ${where}
RETURN c.claimId, c.settledAt.epochSeconds, c.kind, c.institutionCode, c.cardNo,
       [(c)-[:BY]->(d:Doctor) | d.code][0],
       [(c)-[:PRESCRIBED_BY]->(d:Doctor) | d.code][0],
       [(c)-[:FOR]->(p:Person) | p.idNumber][0],
       c.identityCheck, c.diagnosisCode, c.diagnosisName, toString(c.admissionDate), toString(c.dischargeDate),
       c.total, c.fundPaid,
       reduce(acc = [], l IN [(c)-[b:BILLED]->(i:Item) | [i.code, b.quantity, b.amount]] | acc + l)`;
  let claims = 0;
  await streamRows(driver, claimQuery, params, (v) => {
    const flat = (v[15] as unknown[] | null) ?? [];
    const lines: LineRecord[] = [];
    for (let k = 0; k + 2 < flat.length; k += 3) lines.push({ itemId: String(flat[k]), quantity: Number(flat[k + 1]), amount: Number(flat[k + 2]) });
    b.claim({
      id: String(v[0]),
      settledAt: Number(v[1]),
      kind: String(v[2]),
      institutionId: String(v[3]),
      cardId: String(v[4]),
      doctorId: str(v[5]),
      rxDoctorId: str(v[6]),
      servedId: str(v[7]),
      check: str(v[8]),
      diagnosisCode: str(v[9]),
      diagnosisName: str(v[10]),
      admissionDate: str(v[11]),
      dischargeDate: str(v[12]),
      total: Number(v[13] ?? 0),
      fund: Number(v[14] ?? 0),
      lines,
    });
    if (++claims % 50_000 === 0) onProgress({ stage: 'claims', done: claims, total: expected });
  });
  onProgress({ stage: 'claims', done: claims, total: claims });

  // A code dispensed once is the normal case; only repeats are evidence. COUNT{} reads the degree.
  let codes = 0;
  await streamRows(
    driver,
    `MATCH (t:TraceCode) WHERE COUNT { (t)<-[:DISPENSED]-() } > 1
     RETURN t.code, [(t)<-[:DISPENSED]-(c:Claim) | c.claimId]`,
    {},
    ([code, ids]) => {
      b.traceCode(String(code), (ids as unknown[]).map(String));
      codes++;
    },
  );
  onProgress({ stage: 'trace-codes', done: codes, total: codes });
  return b.build();
}
