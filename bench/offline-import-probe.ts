/**
 * Probe, not a product path: how fast would an offline `neo4j-admin database import full` load the
 * benchmark dataset into an EMPTY database? Answers "is the importer the way to 25k claims/s?" with
 * figures, for comparison with bench/ingest.ts (the transactional Cypher load).
 *
 *   npx tsx bench/offline-import-probe.ts [--claims 1000000] [--seed 7]
 *
 * Phases, each timed: (1) read + zod-validate every row with the ingest's own reader and schemas and
 * write the importer's CSV files, (2) stop the server, (3) run the importer (jars of our Neo4j
 * distribution), (4) start the server, (5) apply the migrations and wait for constraints and indexes.
 *
 * Shortcuts a real fast path could not take (why this is a probe): it assumes every key is unique and
 * every referenced card, person, institution, doctor and item is described by its reference file (it
 * counts violations instead of reproducing MERGE's semantics for them); it writes no IngestCheckpoint
 * and no rejects file; and it needs the server stopped and the database empty.
 * Uses its own Neo4j instance ("bench-import"); the CSVs go to .cache/bench/import-<claims>-seed-<seed>.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env.ts';
import { createDriver } from '../graph/driver.ts';
import { migrate } from '../graph/migrate.ts';
import { openRecordChunks } from '../ingest/read/open-records.ts';
import { validateRow, type Row, type RowKind } from '../ingest/validate/rows.ts';
import { ensureDistribution } from '../stack/neo4j-distribution.ts';
import { instanceDir, startNeo4j, stopNeo4j } from '../stack/neo4j-local.ts';

const { values } = parseArgs({ options: { claims: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '7' } } });
const env = loadEnv();
const dataDir = path.join(env.RINGLENS_CACHE_DIR, 'bench', `claims-${values.claims}-seed-${values.seed}`);
const outDir = path.join(env.RINGLENS_CACHE_DIR, 'bench', `import-${values.claims}-seed-${values.seed}`);
if (!existsSync(path.join(dataDir, 'claims.csv'))) throw new Error(`${dataDir}: no dataset; run bench/ingest.ts with the same --claims/--seed first`);
const instance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name: 'bench-import', heap: env.NEO4J_HEAP, pageCache: env.NEO4J_PAGECACHE };

const phases: [string, number][] = [];
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  const r = await fn();
  phases.push([name, (Date.now() - t) / 1000]);
  console.log(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return r;
}

/** One importer CSV per node label or relationship type; header written on first use. */
class ImportFiles {
  private readonly files = new Map<string, WriteStream>();
  readonly args: string[] = [];
  write(kind: 'nodes' | 'relationships', name: string, header: string, values: unknown[]): void {
    let f = this.files.get(name);
    if (!f) {
      const file = path.join(outDir, `${name}.csv`);
      f = createWriteStream(file, { highWaterMark: 1 << 20 });
      f.write(`${header}\n`);
      this.files.set(name, f);
      this.args.push(`--${kind}=${name.split('.')[0]}=${file}`);
    }
    f.write(`${values.map(csvValue).join(',')}\n`);
  }
  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => new Promise((resolve) => f.end(resolve))));
  }
}
const csvValue = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' && /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v));

async function eachRow<K extends RowKind>(kind: K, fn: (r: Row<K>) => void): Promise<number> {
  let invalid = 0;
  for await (const chunk of openRecordChunks(path.join(dataDir, `${kind}.csv`))) {
    for (const rec of chunk) {
      const v = validateRow(kind, rec.fields);
      if (v.ok) fn(v.row);
      else invalid++;
    }
  }
  return invalid;
}

async function prepare(): Promise<{ args: string[]; violations: number; rejected: number }> {
  mkdirSync(outDir, { recursive: true });
  const out = new ImportFiles();
  const known = { Card: new Set<string>(), Person: new Set<string>(), Institution: new Set<string>(), Doctor: new Set<string>(), Item: new Set<string>() };
  const holds = new Set<string>();
  const traceCodes = new Set<string>();
  let violations = 0;
  let rejected = 0;
  rejected += await eachRow('regions', (r) => out.write('nodes', 'Region', 'code:ID(Region),name,province,latitude:float,longitude:float', [r.region_code, r.region_name, r.province_name, r.latitude, r.longitude]));
  rejected += await eachRow('institutions', (r) => {
    known.Institution.add(r.institution_code);
    out.write('nodes', 'Institution', 'code:ID(Institution),name,kind,level,region,address,latitude:float,longitude:float,bedCount:int', [r.institution_code, r.name, r.kind, r.level, r.region_code, r.address, r.latitude, r.longitude, r.bed_count]);
    out.write('relationships', 'IN_REGION', ':START_ID(Institution),:END_ID(Region)', [r.institution_code, r.region_code]);
  });
  rejected += await eachRow('items', (r) => {
    known.Item.add(r.item_code);
    out.write('nodes', 'Item', 'code:ID(Item),name,category,unit,referencePrice:float,genderRestriction,minAge:int,maxAge:int,minLevel', [r.item_code, r.item_name, r.category, r.unit, r.reference_price, r.gender_restriction, r.min_age, r.max_age, r.min_level]);
  });
  rejected += await eachRow('doctors', (r) => {
    known.Doctor.add(r.doctor_code);
    out.write('nodes', 'Doctor', 'code:ID(Doctor),name,gender,institutionCode,department,title', [r.doctor_code, r.name, r.gender, r.institution_code, r.department, r.title]);
    out.write('relationships', 'WORKS_AT', ':START_ID(Doctor),:END_ID(Institution)', [r.doctor_code, r.institution_code]);
  });
  rejected += await eachRow('persons', (r) => {
    known.Person.add(r.id_number);
    out.write('nodes', 'Person', 'idNumber:ID(Person),name,gender,birthDate:date,region,insuredType,householdId,address', [r.id_number, r.name, r.gender, r.birth_date, r.region_code, r.insured_type, r.household_id, r.address]);
  });
  const hold = (person: string, card: string) => {
    if (holds.has(`${person}|${card}`)) return;
    holds.add(`${person}|${card}`);
    out.write('relationships', 'HOLDS', ':START_ID(Person),:END_ID(Card)', [person, card]);
  };
  rejected += await eachRow('cards', (r) => {
    known.Card.add(r.card_id);
    out.write('nodes', 'Card', 'cardNo:ID(Card),type,holderIdNumber,issuedDate:date,region', [r.card_id, r.card_type, r.holder_id_number, r.issued_date, r.issuing_region_code]);
    hold(r.holder_id_number, r.card_id);
  });
  rejected += await eachRow('claims', (r) => {
    if (!known.Card.has(r.card_id) || !known.Institution.has(r.institution_code) || !known.Person.has(r.insured_id_number)) violations++;
    out.write('nodes', 'Claim', 'claimId:ID(Claim),settledAt:datetime,kind,department,region,diagnosisCode,diagnosisName,admissionDate:date,dischargeDate:date,prescriptionId,identityCheck,itemCount:int,total:float,fundPaid:float,selfPaid:float,cardNo,institutionCode', [
      r.claim_id, r.settled_at, r.claim_kind, r.department, r.region_code, r.diagnosis_code, r.diagnosis_name, r.admission_date, r.discharge_date, r.prescription_id,
      r.identity_check ?? 'none', r.item_count, r.total_amount, r.fund_paid, r.self_paid ?? Math.round((r.total_amount - r.fund_paid) * 100) / 100, r.card_id, r.institution_code,
    ]);
    out.write('relationships', 'CHARGED_TO', ':START_ID(Claim),:END_ID(Card)', [r.claim_id, r.card_id]);
    out.write('relationships', 'AT', ':START_ID(Claim),:END_ID(Institution)', [r.claim_id, r.institution_code]);
    hold(r.insured_id_number, r.card_id);
    if (r.doctor_code) out.write('relationships', 'BY', ':START_ID(Claim),:END_ID(Doctor)', [r.claim_id, r.doctor_code]);
    if (r.served_id_number) out.write('relationships', 'FOR', ':START_ID(Claim),:END_ID(Person)', [r.claim_id, r.served_id_number]);
    if (r.prescribing_doctor_code) out.write('relationships', 'PRESCRIBED_BY', ':START_ID(Claim),:END_ID(Doctor)', [r.claim_id, r.prescribing_doctor_code]);
  });
  rejected += await eachRow('claim_items', (r) => {
    if (!known.Item.has(r.item_code)) violations++;
    out.write('relationships', 'BILLED', ':START_ID(Claim),:END_ID(Item),lineNo:int,quantity:float,unitPrice:float,amount:float,traceCode', [r.claim_id, r.item_code, r.line_no, r.quantity, r.unit_price, r.amount, r.trace_code]);
    if (r.trace_code) {
      if (!traceCodes.has(r.trace_code)) {
        traceCodes.add(r.trace_code);
        out.write('nodes', 'TraceCode', 'code:ID(TraceCode)', [r.trace_code]);
      }
      out.write('relationships', 'DISPENSED', ':START_ID(Claim),:END_ID(TraceCode),lineNo:int', [r.claim_id, r.trace_code, r.line_no]);
    }
  });
  await out.close();
  return { args: out.args, violations, rejected };
}

const started = Date.now();
const cpu0 = process.cpuUsage();
const prepared = await phase('1 validate rows and write importer CSVs (this process)', prepare);
const prepCpu = process.cpuUsage(cpu0);
console.log(`  node CPU ${((prepCpu.user + prepCpu.system) / 1e6).toFixed(1)} s; rows rejected by validation ${prepared.rejected}; rows the probe cannot represent exactly ${prepared.violations}`);
const dist = await ensureDistribution(env.RINGLENS_CACHE_DIR, env.NEO4J_VERSION_RANGE);
await startNeo4j({ ...instance, fresh: true, preferredPort: 0 });
await phase('2 stop the server', () => stopNeo4j(instance));
const home = instanceDir(instance);
await phase('3 neo4j-admin database import full', async () => {
  const run = spawnSync('java', ['-Xmx2g', '-cp', path.join(dist.libDir, '*'), 'org.neo4j.cli.AdminTool', 'database', 'import', 'full', 'neo4j', '--overwrite-destination', `--report-file=${path.join(outDir, 'import.report')}`, ...prepared.args], {
    env: { ...process.env, NEO4J_HOME: home, NEO4J_CONF: path.join(home, 'conf') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`neo4j-admin import exited with ${run.status}`);
});
const server = await phase('4 start the server', () => startNeo4j({ ...instance, preferredPort: 0 }));
const driver = createDriver(server);
try {
  await phase('5 migrations: constraints and indexes online', async () => {
    await migrate(driver);
    await driver.executeQuery('CALL db.awaitIndexes(3600)');
  });
  const { records } = await driver.executeQuery('MATCH (c:Claim) RETURN count(c) AS n');
  const claims = Number(records[0]?.get('n'));
  const seconds = (Date.now() - started) / 1000;
  console.log(`offline import of ${claims} claims: ${seconds.toFixed(1)} s end to end = ${Math.round(claims / seconds)} claims/s (${phases.map(([n, s]) => `${n.split(' ')[0]}: ${s.toFixed(1)} s`).join(', ')})`);
  console.log(`peak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await driver.close();
  await stopNeo4j(instance);
}
