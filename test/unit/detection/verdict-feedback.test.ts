import { describe, expect, it } from 'vitest';
import type { RingRecord } from '../../../detection/ring-record.ts';
import { applyVerdictFeedback, type Verdict } from '../../../detection/verdict-feedback.ts';

const ring = (ringId: string, family: RingRecord['family'], score: number, members: string[], institutions: string[] = []): RingRecord => ({
  ringId,
  family,
  supportingFamilies: [],
  score,
  members: members.map((m) => {
    const [type, id] = m.split(':') as [RingRecord['members'][number]['type'], string];
    return { type, id, role: 'member' };
  }),
  institutions,
  region: '330100',
  period: null,
  claimCount: 10,
  claimIds: [],
  totalAmount: 1000,
  fundPaid: 800,
  keyPersons: [],
  evidence: [{ key: 'detector', zh: '检测', en: 'detected', facts: {}, entities: [], weight: 1 }],
});
const verdict = (ringId: string, family: string, v: Verdict['verdict'], memberKeys: string[], labels: string[] = []): Verdict => ({ ringId, family, verdict: v, labels, caseId: `C-${ringId}`, memberKeys });

describe('verdict feedback on ranking', () => {
  it('changes nothing without verdicts', () => {
    const rings = [ring('a', 'card-lending', 80, ['person:1', 'person:2'])];
    const r = applyVerdictFeedback(rings, []);
    expect(r.rings).toEqual(rings);
    expect(r.adjusted.size).toBe(0);
  });

  it('sinks a ring dismissed before (same id, or mostly its members) and explains it; leaves unrelated rings alone', () => {
    const rings = [
      ring('dismissed', 'recruited-patients', 90, ['person:1', 'person:2', 'person:3', 'person:4']),
      ring('lookalike', 'recruited-patients', 85, ['person:1', 'person:2', 'person:3', 'person:9']),
      ring('other', 'recruited-patients', 60, ['person:20', 'person:21']),
    ];
    const r = applyVerdictFeedback(rings, [verdict('dismissed', 'recruited-patients', 'false-positive', ['person:1', 'person:2', 'person:3', 'person:4'])]);
    const byId = Object.fromEntries(r.rings.map((x) => [x.ringId, x]));
    expect(byId.dismissed!.score).toBe(36); // 90 × (1 − 0.6)
    expect(byId.lookalike!.score).toBe(46.8); // 85 × (1 − 0.6 × 0.75)
    expect(byId.other!.score).toBe(60);
    expect(r.rings.map((x) => x.ringId)).toEqual(['other', 'lookalike', 'dismissed']);
    const why = byId.lookalike!.rankingFeedback!.at(-1)!;
    expect(why.key).toBe('verdict-dismissed-before');
    expect(why.en).toContain('75 %');
    expect(why.zh).toContain('C-dismissed');
    expect(why.facts).toMatchObject({ scoreBefore: 85, scoreAfter: 46.8 });
    expect(r.adjusted.get('lookalike')).toBe(85);
    expect(r.adjusted.has('other')).toBe(false);
  });

  it('raises a confirmed ring still active and rings holding its members (repeat offenders, cards excluded)', () => {
    const rings = [
      ring('confirmed', 'kickback', 70, ['doctor:D1', 'institution:P1', 'person:1']),
      ring('elsewhere', 'card-lending', 50, ['person:1', 'doctor:D1', 'card:K1', 'person:7']),
      ring('card-only', 'card-lending', 50, ['card:K9', 'person:8']),
    ];
    const r = applyVerdictFeedback(rings, [verdict('confirmed', 'kickback', 'fraud', ['doctor:D1', 'institution:P1', 'person:1', 'card:K9'])]);
    const byId = Object.fromEntries(r.rings.map((x) => [x.ringId, x]));
    expect(byId.confirmed!.score).toBe(80);
    expect(byId.elsewhere!.score).toBe(60); // two repeat members: +10
    expect(byId.elsewhere!.rankingFeedback!.at(-1)!.entities.sort()).toEqual(['doctor:D1', 'person:1']);
    expect(byId['card-only']!.score).toBe(50);
  });

  it('marks institutions cleared as hard negatives for rings of the same family only', () => {
    const rings = [
      ring('home-again', 'card-lending', 80, ['person:30', 'person:31'], ['NH1']),
      ring('home-other-family', 'kickback', 80, ['person:40', 'institution:NH1'], ['NH1']),
    ];
    const r = applyVerdictFeedback(rings, [verdict('old', 'card-lending', 'false-positive', ['institution:NH1', 'person:1'], ['hard-negative:nursing-home'])]);
    const byId = Object.fromEntries(r.rings.map((x) => [x.ringId, x]));
    expect(byId['home-again']!.score).toBe(56);
    expect(byId['home-again']!.rankingFeedback!.at(-1)!.en).toContain('hard-negative:nursing-home');
    expect(byId['home-other-family']!.score).toBe(80);
  });

  it("calibrates a family by its record once it has three verdicts", () => {
    const rings = [ring('new', 'code-mismatch', 50, ['institution:X'])];
    const mostlyWrong = [
      verdict('a', 'code-mismatch', 'false-positive', ['institution:A']),
      verdict('b', 'code-mismatch', 'false-positive', ['institution:B']),
      verdict('c', 'code-mismatch', 'false-positive', ['institution:C']),
    ];
    expect(applyVerdictFeedback(rings, mostlyWrong.slice(0, 2)).rings[0]!.score).toBe(50);
    const r = applyVerdictFeedback(rings, mostlyWrong);
    expect(r.rings[0]!.score).toBe(44); // × (0.8 + 0.4 × 1/5)
    expect(r.rings[0]!.rankingFeedback!.at(-1)!.facts).toMatchObject({ verdicts: 3, confirmed: 0, factor: 0.88 });
  });
});

describe('ranking feedback is not evidence (issue 23, defect 2)', () => {
  it('leaves the evidence list as the detector wrote it, keeps the detector score, and puts the adjustment apart', () => {
    const rings = [ring('confirmed', 'kickback', 90, ['doctor:D1', 'institution:P1', 'person:1']), ring('sharing', 'card-lending', 89, ['person:1', 'card:K1'])];
    const r = applyVerdictFeedback(rings, [verdict('confirmed', 'kickback', 'fraud', ['doctor:D1', 'institution:P1', 'person:1'])]);
    for (const x of r.rings) {
      expect(x.evidence).toEqual([{ key: 'detector', zh: '检测', en: 'detected', facts: {}, entities: [], weight: 1 }]);
      expect(x.rankingFeedback!.length).toBe(1);
    }
    const byId = Object.fromEntries(r.rings.map((x) => [x.ringId, x]));
    expect(byId.confirmed).toMatchObject({ score: 100, detectorScore: 90 });
    expect(byId.sharing).toMatchObject({ score: 94, detectorScore: 89 });
    expect(byId.sharing!.rankingFeedback![0]!.zh).toContain('89 升至 94');
  });
});
