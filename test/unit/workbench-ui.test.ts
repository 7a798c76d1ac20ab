import { describe, expect, it } from 'vitest';
import type { Claim, GraphEdge, GraphNode } from '../../ui/src/api/types.ts';
import { monthlyFundPaid } from '../../ui/src/components/timeline-data.ts';
import { formatters } from '../../ui/src/i18n/format.ts';

/** The workbench's pure parts: locale formatting, the timeline's monthly buckets, the graph model. */
describe('workbench formatting', () => {
  it('writes yuan with ¥ in both languages, and dates as days in China', () => {
    const zh = formatters('zh');
    const en = formatters('en');
    expect(zh.money(1234567.5)).toBe('¥1,234,567.50');
    expect(en.money(1234567.5)).toBe('¥1,234,567.50');
    expect(zh.moneyCompact(1234567)).toBe('¥123.5万');
    expect(en.moneyCompact(1234567)).toBe('¥1.2M');
    expect(zh.date('2024-03-05')).toBe('2024年3月5日');
    expect(en.date('2024-03-05')).toBe('Mar 5, 2024');
    // 23:30 UTC is the next morning in Shanghai.
    expect(en.date('2024-03-05T23:30:00Z')).toBe('Mar 6, 2024');
    expect(zh.num(null)).toBe('—');
  });
});

const claim = (id: string, settledAt: string, fundPaid: number) => ({ claimId: id, settledAt, fundPaid }) as Claim;

describe('timeline buckets', () => {
  it('sums fund paid per Shanghai month and fills empty months', () => {
    const d = monthlyFundPaid([claim('a', '2024-01-31T17:00:00Z', 10), claim('b', '2024-01-10T02:00:00Z', 5), claim('c', '2024-04-01T00:00:00Z', 7)]);
    // a is 1 Feb 01:00 in Shanghai.
    expect(d.fund).toEqual([5, 10, 0, 7]);
    expect(d.counts).toEqual([1, 1, 0, 1]);
    expect(new Date((d.months[0]! + 8 * 3600) * 1000).toISOString().slice(0, 10)).toBe('2024-01-01');
    expect(monthlyFundPaid([])).toEqual({ months: [], fund: [], counts: [] });
  });
});

const node = (id: string, type: GraphNode['type'], member = true): GraphNode => ({ id, type, key: `${type}-${id}`, label: id, facts: {}, member, role: member ? 'x' : null });
const edge = (id: string, source: string, target: string, type: string, weight = 1, fundPaid = 0): GraphEdge => ({ id, source, target, type, weight, fundPaid });

// sigma's rendering module (pulled in by @sigma/edge-curve for its parallel-edge index) reads WebGL
// constants when it loads; Node has no WebGL, and the functions tested here never draw.
(globalThis as Record<string, unknown>).WebGL2RenderingContext ??= class {};
(globalThis as Record<string, unknown>).WebGLRenderingContext ??= class {};
const { applySizes, createModel, edgeSize, mergeIntoModel } = await import('../../ui/src/graph/build.ts');

describe('graph model', () => {
  it('adds nodes once, curves parallel edges, sizes nodes by amount or degree, thickens heavy edges', () => {
    const g = createModel();
    mergeIntoModel(g, [node('p', 'person'), node('c', 'card'), node('i', 'institution', false)], [edge('h', 'p', 'c', 'HOLDS'), edge('u', 'p', 'c', 'USED_CARD', 3, 30), edge('a', 'c', 'i', 'CLAIMED_AT', 8, 100)]);
    expect(g.order).toBe(3);
    expect(g.size).toBe(3);
    expect(g.getNodeAttribute('i', 'color')).not.toBe(g.getNodeAttribute('c', 'color'));
    // Two relationships between p and c: at least one drawn as a curve; the single edge stays straight.
    expect([g.getEdgeAttribute('h', 'type'), g.getEdgeAttribute('u', 'type')]).toContain('curved');
    expect(g.getEdgeAttribute('a', 'type')).toBe('straight');
    expect(g.getEdgeAttribute('a', 'size')).toBeGreaterThan(g.getEdgeAttribute('h', 'size'));
    expect(edgeSize(1)).toBe(1);
    applySizes(g, 'amount');
    expect(g.getNodeAttribute('c', 'size')).toBeGreaterThan(g.getNodeAttribute('p', 'size'));
    applySizes(g, 'degree');
    expect(g.getNodeAttribute('c', 'size')).toBeGreaterThan(g.getNodeAttribute('i', 'size'));
    // An expansion brings the same nodes again plus a claim; the raw HOLDS relationship is not drawn twice.
    const added = mergeIntoModel(g, [node('p', 'person'), node('k', 'claim', false)], [edge('rel-9', 'p', 'c', 'HOLDS'), edge('rel-10', 'k', 'c', 'CHARGED_TO')], 'c');
    expect(added).toEqual(['k']);
    expect(g.size).toBe(4);
  });

  it('copes with a single node', () => {
    const g = createModel();
    mergeIntoModel(g, [node('p', 'person')], []);
    applySizes(g, 'degree');
    expect(g.order).toBe(1);
    expect(g.getNodeAttribute('p', 'size')).toBeGreaterThan(0);
  });
});
