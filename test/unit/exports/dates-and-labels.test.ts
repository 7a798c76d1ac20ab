import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCasePackage } from '../../../exports/build-package.ts';
import { readZip } from '../../../exports/package/zip.ts';
import { newCaseId } from '../../../graph/cases/cases.ts';
import { fixtureBundle } from '../../fixtures/case-bundle.ts';

/** Issue 23, defect 11: case numbers dated in Beijing; masked names in the network figure told apart by reference. */
describe('case numbers and figure labels', () => {
  it('dates a case number by the Beijing day it was opened', () => {
    expect(newCaseId(new Date('2026-12-04T17:30:00Z'))).toMatch(/^C-20261205-[0-9A-F]{8}$/);
    expect(newCaseId(new Date('2026-12-04T15:59:00Z'))).toMatch(/^C-20261204-/);
  });

  it('labels every person in the masked network figure with its package reference', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-labels-'));
    // an investigator's export of a referred case is masked (names 王**)
    const pkg = await buildCasePackage(fixtureBundle('referred'), { exporter: { user: 'inv.chen', role: 'investigator' }, lang: 'zh', bureau: '杭州市医疗保障局', keyDir: path.join(dir, 'keys') });
    const files = new Map((await readZip(pkg.zip)).map((e) => [e.path, e.data!]));
    const pdf = path.join(dir, 'r.pdf');
    writeFileSync(pdf, files.get('case-report.pdf')!);
    const text = spawnSync('pdftotext', ['-enc', 'UTF-8', '-f', '1', '-l', '3', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
    const network = text.slice(text.indexOf('二、关系网络图'), text.indexOf('三、证据清单'));
    expect(network.length).toBeGreaterThan(20);
    // members: 王** and 李** (masked), each shown with its reference P000n
    expect(network).toMatch(/P\d{4}王\*/);
    expect(network).toMatch(/P\d{4}李\*/);
    expect(network).not.toMatch(/(?<!P\d{4})王\*\*/);
  }, 60_000);

  it('names the assignee and the people in the timeline by display name with the username, and the exporter by a translated role', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-people-'));
    const pkg = await buildCasePackage(fixtureBundle('referred'), { exporter: { user: 'inv.chen', role: 'investigator' }, lang: 'zh', bureau: '杭州市医疗保障局', keyDir: path.join(dir, 'keys') });
    const files = new Map((await readZip(pkg.zip)).map((e) => [e.path, e.data!]));
    const pdf = path.join(dir, 'r.pdf');
    writeFileSync(pdf, files.get('case-report.pdf')!);
    const text = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
    expect(text).toContain('承办人陈敏（inv.chen）');
    // the timeline's actors: 陈敏 opened and confirmed the case, 李主管 referred it
    expect(text).toContain('立案（陈敏（inv.chen））');
    expect(text).toContain('李主管（sup.li）');
    // the role a package was prepared by is a word, not the code "investigator"
    expect(text).toMatch(/inv\.chen（稽核人员）/);
    expect(text).not.toContain('（investigator）');
    const json = JSON.parse(files.get('case.json')!.toString('utf8'));
    expect(json.case).toMatchObject({ assignee: 'inv.chen', assigneeName: '陈敏', createdByName: '陈敏' });
    expect(json.case.history.at(-1)).toMatchObject({ actor: 'sup.li', actorName: '李主管' });
  }, 60_000);
});
