import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../algorithms/detectors/types.ts';
import { ROLES } from '../../access/roles.ts';
import { CASE_STATUSES } from '../../cases/workflow.ts';
import { buildCasePackage } from '../../exports/build-package.ts';
import { ROLE } from '../../exports/labels.ts';
import { readZip } from '../../exports/package/zip.ts';
import { CARD_TYPES, GENDERS, IDENTITY_CHECKS, INSTITUTION_KINDS, INSTITUTION_LEVELS, INSURED_TYPES, ITEM_CATEGORIES } from '../../generator/format.ts';
import { LAYOUT } from '../../ingest/bulk/layout.ts';
import { DEFAULT_DOCTOR_MODEL_FILE, DEFAULT_MODEL_FILE, loadRatingModel } from '../../rating/load.ts';
import { en } from '../../ui/src/i18n/en.ts';
import { zh } from '../../ui/src/i18n/zh.ts';
import { fixtureBundle } from '../fixtures/case-bundle.ts';

/**
 * Issue 23, defect 10: no untranslated text. The two catalogues hold the same keys; every stored
 * field a panel shows and every coded value has words in both; and the referral package (PDF and
 * workbook) prints no raw field name or code.
 */

type Tree = { [k: string]: string | Tree };
const keys = (t: Tree, prefix = ''): string[] => Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
const has = (t: Tree, key: string) => keys(t).includes(key);

/** The stored properties of the entities panels show, from the one layout the graph is written with. */
const FIELDS = (['Person', 'Card', 'Doctor', 'Institution', 'Region'] as const).flatMap((l) => LAYOUT[l].header.split(',').map((h) => h.split(':')[0]!));

/** The external indicators the shipped rating models import (institution and doctor). */
const IMPORT_KEYS = [DEFAULT_MODEL_FILE, DEFAULT_DOCTOR_MODEL_FILE].flatMap((f) => loadRatingModel(f).indicators.flatMap((i) => ('imported' in i.source ? [i.source.imported] : [])));

const CODED: Record<string, readonly string[]> = {
  gender: GENDERS,
  kind: [...INSTITUTION_KINDS, 'outpatient', 'inpatient'],
  level: INSTITUTION_LEVELS,
  type: CARD_TYPES,
  insuredType: INSURED_TYPES,
  identityCheck: IDENTITY_CHECKS,
  category: ITEM_CATEGORIES,
};

describe('workbench catalogues', () => {
  it('zh and en hold exactly the same keys', () => {
    const a = keys(zh as unknown as Tree).sort();
    const b = keys(en as unknown as Tree).sort();
    expect(a.filter((k) => !b.includes(k))).toEqual([]);
    expect(b.filter((k) => !a.includes(k))).toEqual([]);
  });

  it('name every stored field, coded value, family, role, change and job state in both languages', () => {
    for (const cat of [zh, en] as unknown as Tree[]) {
      for (const f of FIELDS) expect(has(cat, `fact.${f}`), `fact.${f}`).toBe(true);
      for (const [field, codes] of Object.entries(CODED)) for (const c of codes) expect(has(cat, `value.${field}.${c}`), `value.${field}.${c}`).toBe(true);
      for (const f of FAMILIES) expect(has(cat, `family.${f}`), f).toBe(true);
      for (const r of Object.keys(ROLE)) expect(has(cat, `memberRole.${r}`), r).toBe(true);
      for (const c of ['new', 'grown', 'shrunk', 'unchanged', 'rescored', 'dissolved']) expect(has(cat, `change.${c}`), c).toBe(true);
      for (const s of CASE_STATUSES) expect(has(cat, `caseStatus.${s}`), s).toBe(true);
      for (const s of ['waiting', 'active', 'completed', 'failed', 'delayed']) expect(has(cat, `jobState.${s}`), s).toBe(true);
      // the rating pages name a missing import by these, never by its key (basic-info)
      for (const k of IMPORT_KEYS) expect(has(cat, `rating.importName.${k}`), `rating.importName.${k}`).toBe(true);
    }
  });
});

describe('the referral package prints words, not codes', () => {
  it('has no raw field name or coded value in the zh PDF or workbook', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-words-'));
    const pkg = await buildCasePackage(fixtureBundle('referred'), { exporter: { user: 'liaison.wang', role: 'liaison' }, lang: 'zh', bureau: '杭州市医疗保障局', keyDir: path.join(dir, 'keys') });
    const files = new Map((await readZip(pkg.zip)).map((e) => [e.path, e.data!]));
    // user roles too: the package names the role it was prepared by
    const codes = new Set([...Object.values(CODED).flat(), 'male', 'female', 'unrated', ...ROLES]);
    const fieldNames = new Set(FIELDS.filter((f) => /[A-Z]/.test(f) || ['latitude', 'longitude', 'province'].includes(f)));

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files.get('evidence.xlsx')! as unknown as ArrayBuffer);
    const offenders: string[] = [];
    wb.eachSheet((sheet) =>
      sheet.eachRow((row, r) =>
        row.eachCell((cell, c) => {
          const v = String(cell.value ?? '').trim();
          if (r > 1 && (codes.has(v) || fieldNames.has(v))) offenders.push(`${sheet.name}!R${r}C${c}=${v}`);
        }),
      ),
    );
    expect(offenders).toEqual([]);

    const pdf = path.join(dir, 'r.pdf');
    writeFileSync(pdf, files.get('case-report.pdf')!);
    const words = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).stdout.split(/[\s,;:=（）()、，；：]+/);
    expect(words.filter((w) => codes.has(w) || fieldNames.has(w))).toEqual([]);
  }, 60_000);
});
