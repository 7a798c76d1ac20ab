import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCasePackage } from '../../../exports/build-package.ts';
import { CaseJsonSchema } from '../../../exports/case-json.ts';
import { readZip } from '../../../exports/package/zip.ts';
import { fixtureBundle } from '../../fixtures/case-bundle.ts';

/** Issue 26: the referral package states the institution's credit rating as it stood at referral time. */
describe("referral package: the institution's credit rating at referral time", () => {
  it('prints it in the report PDF and carries it in case.json; an institution not rated by then says so', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-rating-pkg-'));
    const bundle = fixtureBundle('referred');
    bundle.ratings = [
      {
        code: 'P33010000011',
        name: '杭州康宁大药房',
        asOf: '2025-03-20T09:30:00.000Z',
        asOfKind: 'referral',
        rating: {
          period: '2024-H2',
          modelId: 'wenzhou-1000',
          score: 412.5,
          band: 'E',
          coverage: 0.32,
          computedAt: '2025-03-01T02:00:00.000Z',
          lowest: [
            { indicator: 'ring-fund-share', points: 0, maxPoints: 100 },
            { indicator: 'prescription-concentration', points: 3.5, maxPoints: 30 },
          ],
        },
      },
      { code: 'H33010000099', name: '杭州某社区卫生服务中心', asOf: '2025-03-20T09:30:00.000Z', asOfKind: 'referral', rating: null },
    ];
    const pkg = await buildCasePackage(bundle, { exporter: { user: 'liaison.wang', role: 'liaison' }, lang: 'zh', bureau: '杭州市医疗保障局', keyDir: path.join(dir, 'keys') });
    const files = new Map((await readZip(pkg.zip)).map((e) => [e.path, e.data!]));
    const doc = CaseJsonSchema.parse(JSON.parse(files.get('case.json')!.toString('utf8')));
    expect(doc.ratings).toEqual(bundle.ratings);
    const pdf = path.join(dir, 'report.pdf');
    writeFileSync(pdf, files.get('case-report.pdf')!);
    const out = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const text = out.stdout.replace(/\s+/g, '');
    expect(text).toContain('六、机构信用评价（移送时）');
    expect(text).toContain('412.5');
    expect(text).toContain('ring-fund-share0/100');
    expect(text).toContain('未评价');
  }, 60_000);
});
