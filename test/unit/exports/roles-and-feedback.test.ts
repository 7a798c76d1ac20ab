import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCasePackage } from '../../../exports/build-package.ts';
import { readZip } from '../../../exports/package/zip.ts';
import { fixtureBundle } from '../../fixtures/case-bundle.ts';

/**
 * Issue 23, defects 1 and 2 in the police package: a role is printed only beside the numbers that
 * earned it (the fixture's 组织者 has none), and the evidence list prints sentences, not raw
 * `field = value` lines.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-roles-'));

describe('referral package: roles earned by evidence, evidence without raw fields', () => {
  let files: Map<string, Buffer>;
  let pdfText: string;
  beforeAll(async () => {
    const pkg = await buildCasePackage(fixtureBundle('referred'), { exporter: { user: 'liaison.wang', role: 'liaison' }, lang: 'zh', bureau: '杭州市医疗保障局', keyDir: path.join(dir, 'keys') });
    files = new Map((await readZip(pkg.zip)).map((e) => [e.path, e.data!]));
    const pdf = path.join(dir, 'report.pdf');
    writeFileSync(pdf, files.get('case-report.pdf')!);
    const out = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    pdfText = out.stdout.replace(/\s+/g, '');
  }, 60_000);

  it('prints no role without its basis: the unbacked 组织者 is a plain member in the PDF, workbook, GraphML and i2 files', async () => {
    expect(pdfText).not.toContain('组织者');
    expect(files.get('graph/network.graphml')!.toString('utf8')).not.toContain('组织者');
    expect(files.get('graph/i2-entities.csv')!.toString('utf8')).not.toContain('组织者');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files.get('evidence.xlsx')! as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('成员 Members')!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    const roleCol = header.indexOf('角色 Role');
    const basisCol = header.indexOf('角色依据 Why this role');
    expect(basisCol).toBeGreaterThan(0);
    const rows = sheet.getRows(2, sheet.rowCount - 1)!.map((r) => ({ name: String(r.getCell(header.indexOf('姓名/名称 Name')).value), role: String(r.getCell(roleCol).value), basis: r.getCell(basisCol).value }));
    expect(rows.find((r) => r.name === '王建国')).toMatchObject({ role: '成员', basis: null });
    expect(rows.find((r) => r.name === '李秀英')).toMatchObject({ role: '冒用人', basis: '以他人医保卡结算 3 笔（共涉及 3 笔涉案结算）' });
    // every role other than a plain member stands beside its numbers
    for (const r of rows) if (r.role !== '成员' && r.role !== '' && r.role !== 'null') expect(r.basis, r.name).toMatch(/\d/);
  });

  it('states each role’s basis in the PDF member table and in the graph files', () => {
    expect(pdfText).toContain('以他人医保卡结算3笔');
    expect(files.get('graph/network.graphml')!.toString('utf8')).toContain('以他人医保卡结算 3 笔');
    expect(files.get('graph/i2-entities.csv')!.toString('utf8')).toMatch(/RoleBasis/);
  });

  it('prints evidence as sentences, never as raw `field = value` lines', () => {
    expect(pdfText).toContain('三、证据清单');
    expect(pdfText).not.toMatch(/cards=3|users=2|依据数据/);
  });
});
