import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../config/env.ts';
import { runDetection } from '../../detection/run-detection.ts';
import type { ExportAuditEvent } from '../../exports/audit-hook.ts';
import { CaseJsonSchema } from '../../exports/case-json.ts';
import { MANIFEST_FILE, ManifestSchema } from '../../exports/package/manifest.ts';
import { verifyPackage } from '../../exports/package/verify.ts';
import { readZip, writeZip } from '../../exports/package/zip.ts';
import { queryAudit } from '../../graph/audit/audit.ts';
import { createDriver } from '../../graph/driver.ts';
import { BundleNotFound, loadCaseBundle } from '../../graph/exports/load-case-bundle.ts';
import { migrate } from '../../graph/migrate.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { runExport, type ExportJobProgress, type ExportJobResult } from '../../jobs/export-job.ts';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import { startWorkers } from '../../jobs/workers.ts';
import { openServices } from '../../runtime/services.ts';
import { openCaseAt } from '../fixtures/case-node.ts';
import { wipeGraph } from './graph-snapshot.ts';

/** The first page of the report, rendered, is kept here for people to look at (git-ignored). */
const ARTIFACTS = path.resolve('test-artifacts');

interface RingTruth {
  ringId: string;
  members: { type: string; key: string; name: string | null; role: string }[];
  claimIds: string[];
}

describe('case export packages from a ring detected in the real Neo4j', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-export-'));
  const data = path.join(dir, 'data');
  const env = loadEnv({ ...process.env, RINGLENS_EXPORT_KEY_DIR: path.join(dir, 'keys'), RINGLENS_EXPORT_DIR: path.join(dir, 'exports'), RINGLENS_BUREAU_NAME: '杭州市医疗保障局' });
  let caseId: string;
  let ring: RingTruth;

  beforeAll(async () => {
    const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', '30000', '--seed', '3', '--out', data], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    await wipeGraph(driver);
    await migrate(driver);
    expect((await runIngest(driver, { inputs: [data], rejectsDir: path.join(dir, 'rejects') })).rejected).toBe(0);
    await runDetection(driver);
    // The ring with the most persons: its package has names to look for and IDs to mask.
    const { records } = await driver.executeQuery(
      `MATCH (r:Ring {status: 'active'})
       WITH r, COUNT { (r)-[:HAS_MEMBER]->(:Person) } AS persons ORDER BY persons DESC, r.ringId LIMIT 1
       RETURN r.ringId AS ringId,
              [(r)-[m:HAS_MEMBER]->(e) | {type: CASE WHEN e:Person THEN 'person' WHEN e:Card THEN 'card' WHEN e:Doctor THEN 'doctor' ELSE 'institution' END,
                                          key: coalesce(e.idNumber, e.cardNo, e.code), name: e.name, role: m.role}] AS members,
              [(r)-[:EVIDENCED_BY]->(c:Claim) | c.claimId] AS claimIds`,
    );
    ring = records[0]!.toObject() as RingTruth;
    expect(ring.members.filter((m) => m.type === 'person').length).toBeGreaterThan(2);
    caseId = await openCaseAt(driver, { ringId: ring.ringId, status: 'referred', title: '疑似团伙移送测试' });
  }, 600_000);
  afterAll(() => driver.close());

  const memberKeys = () => ring.members.map((m) => `${m.type}:${m.key}`).sort();

  it('runs as a BullMQ job with progress, audits it, and the package holds the ring exactly as Neo4j has it', async () => {
    const audits: ExportAuditEvent[] = [];
    const services = openServices(stack, `${inject('queuePrefix')}-export`);
    const eventsConnection = services.redis.duplicate();
    const events = createQueueEvents(QUEUES.export, eventsConnection, services.prefix);
    const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, env, exportAudit: async (e) => void audits.push(e) });
    let result: ExportJobResult;
    const progress: ExportJobProgress[] = [];
    try {
      await events.waitUntilReady();
      let jobId: string | undefined;
      events.on('progress', ({ jobId: id, data: p }) => void (id === jobId && progress.push(p as ExportJobProgress)));
      const job = await services.queues.export.add('export', { caseId, exporter: { user: 'liaison.wang', role: 'liaison' }, lang: 'zh' });
      jobId = job.id;
      result = (await job.waitUntilFinished(events, 120_000)) as ExportJobResult;
      // Default attempts (3): a case that does not exist fails at once, without retries.
      const bad = await services.queues.export.add('export', { caseId: 'C-NOPE', exporter: { user: 'x', role: 'liaison' } });
      await expect(bad.waitUntilFinished(events, 30_000)).rejects.toThrow(/no case C-NOPE/);
      const both = await services.queues.export.add('export', { caseId, ringId: ring.ringId, exporter: { user: 'x', role: 'liaison' } }, { attempts: 1 });
      await expect(both.waitUntilFinished(events, 30_000)).rejects.toThrow(/invalid payload: .*give exactly one of caseId or ringId/);
      const role = await services.queues.export.add('export', { caseId, exporter: { user: 'x', role: 'police' } }, { attempts: 1 });
      await expect(role.waitUntilFinished(events, 30_000)).rejects.toThrow(/invalid payload: exporter\.role: Invalid option/);
    } finally {
      await pool.close();
      await events.close();
      eventsConnection.disconnect();
      await services.queues.export.obliterate({ force: true });
      await services.close();
    }
    expect(result.path).toBe(path.join(dir, 'exports', `${result.exportId}.zip`));
    expect(result.exportId).toMatch(/^job-/);
    expect(result.masking).toEqual({ level: 'full', reason: 'referred-case-authorized-role' });
    expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(['load', 'report', 'workbook', 'graph', 'sign', 'done', 'write']));
    expect(progress.at(-1)).toMatchObject({ stage: 'write', percent: 100 });
    expect(audits.map((a) => [a.action, a.outcome, a.target, a.actor])).toEqual([
      ['export', 'success', `case:${caseId}`, 'liaison.wang'],
      ['export', 'failure', 'case:C-NOPE', 'x'],
    ]);
    expect(audits[0]!.details).toMatchObject({ sha256: result.sha256, masking: { level: 'full', reason: 'referred-case-authorized-role' } });
    expect(audits[0]!.subjects).toEqual(expect.arrayContaining(ring.members.filter((m) => m.type === 'person').map((m) => m.key)));

    const zip = readFileSync(result.path);
    expect(zip.length).toBe(result.bytes);
    const files = new Map((await readZip(zip)).map((e) => [e.path, e.data!]));
    const manifest = ManifestSchema.parse(JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')));
    expect(manifest).toMatchObject({ caseNumber: caseId, ringId: ring.ringId, caseStatus: 'referred', exportedBy: { user: 'liaison.wang', role: 'liaison' }, masking: { level: 'full' } });

    // case.json, through its own schema.
    const doc = CaseJsonSchema.parse(JSON.parse(files.get('case.json')!.toString('utf8')));
    expect(doc.entities.filter((e) => e.member).map((e) => `${e.type}:${e.key}`).sort()).toEqual(memberKeys());
    expect(doc.claims.map((c) => c.claimId).sort()).toEqual([...ring.claimIds].sort());
    expect(doc.case?.history.map((e) => e.to)).toEqual(['new', 'investigating', 'confirmed', 'referred']);
    expect(doc.lines.length).toBeGreaterThanOrEqual(doc.claims.length);

    // The workbook, with exceljs.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files.get('evidence.xlsx')! as unknown as ArrayBuffer);
    const sheetRows = (name: string) => wb.getWorksheet(name)!.getSheetValues().slice(2) as unknown[][];
    const members = sheetRows('成员 Members').filter((r) => r[3] === true).map((r) => r[5] as string);
    expect(members.sort()).toEqual(ring.members.map((m) => m.key).sort());
    const claimRows = sheetRows('结算 Claims');
    expect(claimRows.map((r) => r[1]).sort()).toEqual([...ring.claimIds].sort());
    expect(claimRows.every((r) => r[2] instanceof Date && typeof r[19] === 'number')).toBe(true);
    expect(sheetRows('明细 Item lines')).toHaveLength(doc.lines.length);
    expect(sheetRows('证据 Evidence').length).toBeGreaterThan(0);

    // GraphML and GEXF, with a real XML parser.
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['node', 'edge', 'data', 'attvalue', 'key', 'attribute'].includes(name) });
    const graphml = xml.parse(files.get('graph/network.graphml')!.toString('utf8'));
    const gNodes = graphml.graphml.graph.node as { '@id': string; data: { '@key': string; '#text'?: string | number | boolean }[] }[];
    const field = (n: (typeof gNodes)[number], k: string) => String(n.data.find((d) => d['@key'] === k)?.['#text'] ?? '');
    expect(gNodes.filter((n) => field(n, 'n_member') === 'true').map((n) => `${field(n, 'n_entityType')}:${field(n, 'n_key')}`).sort()).toEqual(memberKeys());
    expect(graphml.graphml.graph.edge.length).toBe(doc.links.length);
    const gexf = xml.parse(files.get('graph/network.gexf')!.toString('utf8'));
    const xNodes = gexf.gexf.graph.nodes.node as { '@id': string; '@label': string; 'viz:position': { '@x': string } }[];
    expect(xNodes.map((n) => n['@id']).sort()).toEqual(doc.entities.map((e) => e.ref).sort());
    expect(xNodes.every((n) => Number.isFinite(Number(n['viz:position']['@x'])))).toBe(true);
    expect(gexf.gexf.graph.edges.edge.length).toBe(doc.links.length);

    // The i2 CSV pair: every link end is an entity of the entity file.
    const entitiesCsv = parseCsv(files.get('graph/i2-entities.csv')!, { columns: true, bom: true }) as Record<string, string>[];
    const linksCsv = parseCsv(files.get('graph/i2-links.csv')!, { columns: true, bom: true }) as Record<string, string>[];
    expect(entitiesCsv.filter((e) => e.RingMember === 'Y').map((e) => e.IdentityKey).sort()).toEqual(ring.members.map((m) => m.key).sort());
    const ids = new Set(entitiesCsv.map((e) => e.EntityID));
    expect(linksCsv.length).toBe(doc.links.length);
    expect(linksCsv.every((l) => ids.has(l.FromEntityID!) && ids.has(l.ToEntityID!))).toBe(true);

    // The PDF: text extracted with poppler, first page rendered and kept.
    const pdf = path.join(dir, 'report.pdf');
    writeFileSync(pdf, files.get('case-report.pdf')!);
    const text = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    expect(text.status, text.stderr).toBe(0);
    const squashed = text.stdout.replace(/\s+/g, '');
    expect(squashed).toContain(caseId);
    expect(squashed).toContain('医保基金欺诈案件移送材料');
    const named = ring.members.find((m) => m.type === 'person' && m.name && /[\u4e00-\u9fff]/.test(m.name))!;
    expect(squashed).toContain(named.name);
    expect(squashed).toContain(named.key);
    mkdirSync(ARTIFACTS, { recursive: true });
    const render = spawnSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '110', '-png', '-singlefile', pdf, path.join(ARTIFACTS, 'export-report-page1')], { encoding: 'utf8' });
    expect(render.status, render.stderr).toBe(0);
    expect(statSync(path.join(ARTIFACTS, 'export-report-page1.png')).size).toBeGreaterThan(20_000);
    copyFileSync(result.path, path.join(ARTIFACTS, 'export-package.zip'));
  }, 300_000);

  it('masks a package for anyone but a liaison or supervisor of a referred case, and a ring without a case', async () => {
    const persons = ring.members.filter((m) => m.type === 'person');
    const cards = ring.members.filter((m) => m.type === 'card');
    const masked = await runExport({ caseId, exporter: { user: 'inv.chen', role: 'investigator' }, out: path.join(dir, 'masked.zip') }, { driver, env, audit: async () => {} });
    const noCase = await runExport({ ringId: ring.ringId, exporter: { user: 'liaison.wang', role: 'liaison' }, lang: 'en', out: path.join(dir, 'nocase.zip') }, { driver, env, audit: async () => {} });
    expect(masked.masking).toEqual({ level: 'masked', reason: 'role-not-authorized' });
    expect(noCase.masking).toEqual({ level: 'masked', reason: 'no-case' });
    expect(noCase.caseNumber).toBe(`NOCASE-${ring.ringId}`);
    for (const r of [masked, noCase]) {
      const files = await readZip(readFileSync(r.path));
      for (const f of files) {
        if (f.path.endsWith('.pdf') || f.path.endsWith('.xlsx')) continue;
        const text = f.data!.toString('utf8');
        for (const p of persons) expect(text.includes(p.key), `${r.caseNumber} ${f.path} ${p.key}`).toBe(false);
        for (const c of cards) expect(text.includes(c.key), `${r.caseNumber} ${f.path} ${c.key}`).toBe(false);
      }
      const pdf = path.join(dir, `${r.exportId}.pdf`);
      writeFileSync(pdf, files.find((f) => f.path === 'case-report.pdf')!.data!);
      const text = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
      expect(text).toContain(r.caseNumber);
      for (const p of persons) expect(text.includes(p.key)).toBe(false);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(files.find((f) => f.path === 'evidence.xlsx')!.data! as unknown as ArrayBuffer);
      const cells = JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()));
      for (const p of persons) expect(cells.includes(p.key)).toBe(false);
      const manifest = ManifestSchema.parse(JSON.parse(files.find((f) => f.path === MANIFEST_FILE)!.data!.toString('utf8')));
      expect(manifest.masking.level).toBe('masked');
    }
    const en = spawnSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, `${noCase.exportId}.pdf`), '-'], { encoding: 'utf8' }).stdout;
    expect(en).toContain('Medical-Insurance Fund Fraud Case Referral');
  }, 120_000);

  it('exports and verifies from the CLI; verify-export names the altered file and a foreign key', async () => {
    const cliEnv = { ...process.env, NEO4J_URI: stack.neo4j.uri, NEO4J_USER: stack.neo4j.user, NEO4J_PASSWORD: stack.neo4j.password, RINGLENS_EXPORT_KEY_DIR: env.RINGLENS_EXPORT_KEY_DIR, LOG_LEVEL: 'warn' };
    const out = path.join(dir, 'cli.zip');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/ringlens.js', ...args], { encoding: 'utf8', env: cliEnv });
    const exp = cli('export', '--case', caseId, '--out', out, '--user', 'sup.li', '--role', 'supervisor');
    expect(exp.status, exp.stderr).toBe(0);
    expect(exp.stdout).toContain(`${caseId}:`);
    expect(exp.stdout).toContain('personal data full');
    const key = cli('export-key');
    expect(key.status, key.stderr).toBe(0);
    const pem = path.join(dir, 'bureau.pub.pem');
    writeFileSync(pem, key.stdout);

    const ok = cli('verify-export', out, '--public-key', pem);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK: .* 10 files match their SHA-256; signature valid/);

    // One byte of the workbook changed inside the package.
    const entries = await readZip(readFileSync(out));
    const tampered = entries.map((e) => {
      if (e.path !== 'graph/i2-links.csv') return { path: e.path, data: e.data! };
      const d = Buffer.from(e.data!);
      d[d.length - 5] = d[d.length - 5]! ^ 0x02;
      return { path: e.path, data: d };
    });
    const bad = path.join(dir, 'tampered.zip');
    writeFileSync(bad, await writeZip(tampered, new Date()));
    const fail = cli('verify-export', bad, '--public-key', pem);
    expect(fail.status).toBe(2);
    expect(fail.stderr).toMatch(/FAILED: .*\n\s+graph\/i2-links\.csv: content altered: SHA-256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}/);

    // A package checked against another bureau's key.
    const otherKeys = path.join(dir, 'other-keys');
    const other = spawnSync(process.execPath, ['bin/ringlens.js', 'export-key'], { encoding: 'utf8', env: { ...cliEnv, RINGLENS_EXPORT_KEY_DIR: otherKeys } });
    writeFileSync(path.join(dir, 'other.pub.pem'), other.stdout);
    const mismatch = cli('verify-export', out, '--public-key', path.join(dir, 'other.pub.pem'));
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/manifest\.json: key mismatch: the package was signed with key [0-9a-f]{64}, not with the pinned bureau key/);
    expect((await verifyPackage(readFileSync(out))).ok).toBe(true);

    // The CLI export went to the audit trail in Neo4j, with its masking and hash.
    const trail = await queryAudit(driver, { action: 'export', actor: 'sup.li', limit: 10 });
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ role: 'supervisor', target: `case:${caseId}`, outcome: 'success', details: { masking: { level: 'full', reason: 'referred-case-authorized-role' } } });
    expect(trail[0]!.subjects).toEqual(expect.arrayContaining(ring.members.filter((m) => m.type === 'person').map((m) => m.key)));

    const usage = cli('export', '--case', caseId, '--ring', ring.ringId, '--out', out);
    expect(usage.status).toBe(1);
    expect(usage.stderr).toContain('give exactly one of --case ID or --ring ID');
  }, 120_000);

  it('says which case or ring does not exist', async () => {
    await expect(loadCaseBundle(driver, { caseId: 'C-NONE' })).rejects.toThrow(BundleNotFound);
    await expect(loadCaseBundle(driver, { ringId: 'R-NONE' })).rejects.toThrow('no ring R-NONE');
  });
});
