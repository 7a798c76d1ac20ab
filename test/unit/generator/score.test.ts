import { describe, expect, it } from 'vitest';
import type { DetectedRings, GroundTruth } from '../../../evaluation/formats.ts';
import { formatReport, jaccard, score, truthAsDetected } from '../../../evaluation/score.ts';

function ring(ringId: string, family: string, ids: string[]): GroundTruth['rings'][number] {
  return {
    ringId,
    family,
    size: ids.length,
    strength: 1,
    period: { start: '2024-01-01', end: '2024-02-01' },
    description: '',
    members: ids.map((id) => ({ type: 'person' as const, id, role: 'patient' })),
    claimCount: 0,
    claimIds: [],
    totalAmount: '0.00',
    fundPaid: '0.00',
  };
}

const people = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

const truth: GroundTruth = {
  formatVersion: 1,
  generator: { seed: 1, claims: 1, regions: 1, period: { start: '2024-01-01', end: '2024-12-31' }, scenarios: {}, hardNegatives: {} },
  rings: [ring('A', 'kickback', people('a', 10)), ring('B', 'kickback', people('b', 10)), ring('C', 'card-lending', people('c', 10)), ring('D', 'card-lending', people('d', 10))],
  hardNegatives: [
    { groupId: 'HN-1', kind: 'nursing-home', description: '', members: people('n', 20).map((id) => ({ type: 'person' as const, id, role: 'resident' })), claimCount: 0, claimIds: [] },
    { groupId: 'HN-2', kind: 'giant-hospital', description: '', members: [{ type: 'institution', id: 'H1', role: 'hub-hospital' }], claimCount: 0, claimIds: [] },
  ],
};

function detected(rings: { id: string; family: string; score: number; members: string[] }[]): DetectedRings {
  return { runId: 'test', generatedAt: '2025-01-01T00:00:00Z', rings: rings.map((r) => ({ ringId: r.id, family: r.family, score: r.score, members: r.members.map((id) => ({ type: id.startsWith('H') ? ('institution' as const) : ('person' as const), id })) })) };
}

describe('the scorer', () => {
  it('gives 1.0 everywhere for the ground truth scored against itself', () => {
    const r = score(truth, truthAsDetected(truth));
    for (const f of [...r.families, r.overall]) {
      expect([f.ringPrecision, f.ringRecall, f.memberPrecision, f.memberRecall, f.memberF1]).toEqual([1, 1, 1, 1, 1]);
    }
    expect(r.top[0]).toEqual({ k: 10, considered: 4, real: 4, precision: 1 });
    expect(r.hardNegatives.flagged).toBe(0);
  });

  it('gives sensible lower values for a perturbed copy', () => {
    const r = score(
      truth,
      detected([
        { id: 'x1', family: 'kickback', score: 0.9, members: [...people('a', 6), ...people('z', 2)] }, // J = 6/12 = 0.5: match
        { id: 'x2', family: 'kickback', score: 0.8, members: people('b', 4) }, // J = 0.4: no match
        { id: 'x3', family: 'card-lending', score: 0.95, members: people('c', 10) }, // exact
        { id: 'x4', family: 'card-lending', score: 0.7, members: people('q', 5) }, // false ring
        { id: 'x5', family: 'card-lending', score: 0.6, members: people('n', 12) }, // most of the nursing home
        { id: 'x6', family: 'kickback', score: 0.5, members: ['H1', 'p1', 'p2'] }, // contains the giant hospital
      ]),
    );
    const kickback = r.families.find((f) => f.family === 'kickback')!;
    expect(kickback.ringRecall).toBe(0.5);
    expect(kickback.ringPrecision).toBeCloseTo(1 / 3);
    expect(kickback.memberRecall).toBe(10 / 20);
    expect(kickback.memberPrecision).toBeCloseTo(10 / 15);
    expect(kickback.memberF1).toBeCloseTo((2 * (10 / 15) * 0.5) / (10 / 15 + 0.5));
    const lending = r.families.find((f) => f.family === 'card-lending')!;
    expect(lending.ringRecall).toBe(0.5);
    expect(lending.ringPrecision).toBeCloseTo(1 / 3);
    expect(r.overall.ringRecall).toBe(0.5);
    expect(r.overall.ringPrecision).toBeCloseTo(2 / 6);
    // ranked by score: x3 (real), x1 (real), x2, x4, x5, x6
    expect(r.top[0]).toMatchObject({ k: 10, considered: 6, real: 2 });
    expect(r.hardNegatives.flagged).toBe(2);
    expect(r.hardNegatives.flaggedGroups.map((g) => [g.groupId, g.ringIds])).toEqual([
      ['HN-1', ['x5']],
      ['HN-2', ['x6']],
    ]);
    const table = formatReport(r);
    expect(table).toContain('overall');
    expect(table).toContain('precision@10: 0.333 (2 real of the top 6)');
    expect(table).toContain('hard-negative groups flagged: 2 of 2');
  });

  it('honours explicit ranks over scores and ignores claim members', () => {
    const d = detected([
      { id: 'low', family: 'kickback', score: 0.1, members: people('a', 10) },
      { id: 'high', family: 'kickback', score: 0.9, members: people('q', 10) },
    ]);
    d.rings[0]!.rank = 1;
    d.rings[1]!.rank = 2;
    d.rings[0]!.members.push({ type: 'claim', id: 'CL1' });
    const r = score(truth, d, [1]);
    expect(r.top[0]).toEqual({ k: 1, considered: 1, real: 1, precision: 1 });
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3);
  });

  it('flags a hard negative when a ring holds its core institution, however many patients the group lists', () => {
    const patients = people('bp', 100).map((id) => ({ type: 'person' as const, id, role: 'prescription-patient' }));
    const withPatients: GroundTruth = {
      ...truth,
      hardNegatives: [
        {
          groupId: 'HN-9',
          kind: 'pharmacy-beside-hospital',
          description: '',
          members: [{ type: 'institution', id: 'P1', role: 'pharmacy', core: true }, { type: 'institution', id: 'H9', role: 'hospital', core: true }, ...patients],
          claimCount: 0,
          claimIds: [],
        },
      ],
    };
    const ring = (id: string, members: { type: 'person' | 'institution'; id: string }[]) => ({ ringId: id, family: 'kickback', score: 1, members });
    const r = score(withPatients, {
      runId: 't',
      generatedAt: '2025-01-01T00:00:00Z',
      rings: [ring('pharmacy-ring', [{ type: 'institution', id: 'P1' }, { type: 'person', id: 'bp0' }, { type: 'person', id: 'bp1' }]), ring('patients-only', people('bp', 10).map((id) => ({ type: 'person' as const, id })))],
    });
    // The pharmacy is half the core: flagged. Ten of a hundred patients without it: not flagged.
    expect(r.hardNegatives.flaggedGroups).toEqual([{ groupId: 'HN-9', kind: 'pharmacy-beside-hospital', ringIds: ['pharmacy-ring'] }]);
  });
});
