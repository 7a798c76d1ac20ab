import { describe, expect, it } from 'vitest';
import type { CaseStatus } from '../../../exports/case-bundle.ts';
import { applyMasking, decideMasking, EXPORTER_ROLES, maskCardNo, maskIdNumber, maskName } from '../../../exports/masking.ts';
import { buildPackageModel } from '../../../exports/package-model.ts';
import { FIXTURE_IDS, fixtureBundle } from '../../fixtures/case-bundle.ts';

const STATUSES: (CaseStatus | null)[] = [null, 'new', 'investigating', 'confirmed', 'dismissed', 'referred', 'closed'];

describe('export masking rules', () => {
  it('gives full identifiers only for a referred case exported by a liaison or supervisor', () => {
    const full: string[] = [];
    for (const status of STATUSES) {
      for (const role of EXPORTER_ROLES) {
        const d = decideMasking(status, role);
        if (d.level === 'full') full.push(`${status}/${role}`);
        expect(d.maskedFields.length === 0).toBe(d.level === 'full');
      }
    }
    expect(full.sort()).toEqual(['referred/liaison', 'referred/supervisor']);
  });

  it('says why a package is masked', () => {
    expect(decideMasking(null, 'liaison').reason).toBe('no-case');
    expect(decideMasking('confirmed', 'supervisor').reason).toBe('case-not-referred');
    expect(decideMasking('referred', 'investigator').reason).toBe('role-not-authorized');
    expect(decideMasking('referred', 'admin').reason).toBe('role-not-authorized');
    expect(decideMasking('referred', 'liaison').reason).toBe('referred-case-authorized-role');
  });

  it('masks like the workbench: region and check digits of IDs, last 4 of cards, surname only', () => {
    expect(maskIdNumber('330106198503071234')).toBe('330106********1234');
    expect(maskCardNo('A10000001')).toBe('*****0001');
    expect(maskName('王建国')).toBe('王**');
    expect(maskName('李')).toBe('*');
  });

  it('leaves no full ID number, card number or person name anywhere in a masked bundle', () => {
    const raw = fixtureBundle('confirmed');
    const masked = applyMasking(raw, decideMasking('confirmed', 'liaison'));
    const text = JSON.stringify(masked);
    const secrets = [FIXTURE_IDS.organizer, FIXTURE_IDS.user, ...FIXTURE_IDS.holders, ...FIXTURE_IDS.cards, '王建国', '李秀英', '赵老汉', '文三路100号'];
    for (const s of secrets) expect(text.includes(s), s).toBe(false);
    // Doctors and institutions act professionally and stay readable.
    expect(text).toContain('杭州康宁大药房');
    expect(text).toContain('周医生');
    // The full package keeps everything.
    expect(JSON.stringify(applyMasking(raw, decideMasking('referred', 'liaison')))).toContain(FIXTURE_IDS.organizer);
  });

  it('keys entities by package references, which stay distinct when masked identifiers collide', () => {
    const raw = fixtureBundle('confirmed');
    // Two IDs with the same region code and last four digits mask to the same string.
    raw.entities.push({ ...raw.entities[0]!, key: '330106200001011234', role: null, name: '王小明' });
    const model = buildPackageModel(raw, decideMasking('confirmed', 'investigator'), { exportedAt: '2025-03-21T00:00:00Z', exportedBy: { user: 'u', role: 'investigator' }, bureau: 'b' });
    const persons = model.entities.filter((e) => e.type === 'person');
    expect(new Set(persons.map((e) => e.key)).size).toBeLessThan(persons.length);
    expect(new Set(persons.map((e) => e.ref)).size).toBe(persons.length);
    // Claims still point at the right (masked) entities through their refs.
    const byRef = new Map(model.entities.map((e) => [e.ref, e]));
    for (const c of model.claims) expect(byRef.get(c.cardRef!)!.key).toBe(c.cardNo);
  });
});
