import { describe, expect, it } from 'vitest';
import { Problem } from '../../../api/problem.ts';
import { guardResponse } from '../../../api/response-guard.ts';
import { RingPageSchema, RingSummarySchema } from '../../../api/schemas/rings.ts';

const ring = (ringId: string, totalAmount: number) => ({
  ringId,
  family: 'card-farming',
  types: ['card-farming'],
  score: 0.9,
  status: 'open',
  region: '330100',
  regionName: '杭州市',
  periodStart: '2024-03-01',
  periodEnd: '2024-03-31',
  claimCount: 12,
  memberCount: 5,
  totalAmount,
  fundPaid: 10,
  firstRunId: 'run-1',
  lastRunId: 'run-1',
  lastChange: 'new',
  updatedAt: '2024-04-01T00:00:00Z',
  headline: null,
  openCase: null,
  verdict: null,
  institutions: [{ code: 'H33010000001', name: null, band: 'B', score: 812.5, period: '2024-H2' }],
});

describe('a stored value the response schema refuses (issue 21, defect 2)', () => {
  it('withholds only the list entries that carry it and serves the rest', () => {
    const page = { items: [ring('R1', 120.5), ring('R2', Number.POSITIVE_INFINITY), ring('R3', 33)], nextCursor: null };
    const guarded = guardResponse(RingPageSchema, page, { operationId: 'listRings', params: {} });
    expect(guarded.ok).toBe(true);
    if (!guarded.ok) return;
    expect(guarded.withheld).toBe(1);
    expect((guarded.data as { items: { ringId: string }[] }).items.map((r) => r.ringId)).toEqual(['R1', 'R3']);
  });

  it('answers a 422 problem naming the entity and the value, not a 500, for a single entity', () => {
    const guarded = guardResponse(RingSummarySchema, ring('R2', Number.POSITIVE_INFINITY), { operationId: 'getRing', params: { ringId: 'R2' } });
    expect(guarded.ok).toBe(false);
    if (guarded.ok) return;
    expect(guarded.problem).toBeInstanceOf(Problem);
    expect(guarded.problem.status).toBe(422);
    expect(guarded.problem.message).toMatch(/ringId R2/);
    expect(guarded.problem.message).toMatch(/totalAmount: .*Infinity/);
  });

  it('passes a valid answer through unchanged', () => {
    const page = { items: [ring('R1', 1)], nextCursor: null };
    expect(guardResponse(RingPageSchema, page, { operationId: 'listRings', params: {} })).toEqual({ ok: true, data: page, withheld: 0 });
  });
});
