import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '../../ui/src/api/types.ts';
import { hourBuckets, periodBuckets } from '../../ui/src/components/timeline-buckets.ts';
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

const cell = (day: string, hour: number, claims: number, fundPaid: number) => ({ day, hour, claims, fundPaid });

describe('timeline buckets (server aggregates over all claims; issue 23, defect 7)', () => {
  it('gives one bar per month from the first to the last, empty months included, each labelled once under its own bar', () => {
    // an institution's claims January to December
    const cells = Array.from({ length: 12 }, (_, m) => cell(`2024-${String(m + 1).padStart(2, '0')}-15`, 9, m === 5 ? 0 : 3, m === 5 ? 0 : 100));
    const months = periodBuckets({ claims: 33, fundPaid: 1100, cells: cells.filter((c) => c.claims) }, 'month');
    expect(months.map((b) => b.key)).toEqual(Array.from({ length: 12 }, (_, m) => `2024-${String(m + 1).padStart(2, '0')}`));
    expect(new Set(months.map((b) => b.label)).size).toBe(12);
    expect(months[5]).toMatchObject({ claims: 0, fundPaid: 0 });
    expect(months[0]).toMatchObject({ claims: 3, fundPaid: 100 });
  });

  it('walks days across month ends and sums claims per hour of day', () => {
    const t = { claims: 6, fundPaid: 60, cells: [cell('2024-01-30', 22, 2, 20), cell('2024-02-02', 22, 3, 30), cell('2024-02-02', 9, 1, 10)] };
    expect(periodBuckets(t, 'day').map((b) => b.key)).toEqual(['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02']);
    const hours = hourBuckets(t);
    expect(hours).toHaveLength(24);
    expect(hours[22]).toMatchObject({ claims: 5, fundPaid: 50 });
    expect(hours[9]!.claims).toBe(1);
    expect(periodBuckets({ claims: 0, fundPaid: 0, cells: [] }, 'month')).toEqual([]);
  });
});

const node = (id: string, type: GraphNode['type'], member = true): GraphNode => ({ id, type, key: `${type}-${id}`, label: id, facts: {}, member, role: member ? 'x' : null });
const edge = (id: string, source: string, target: string, type: string, weight = 1, fundPaid = 0): GraphEdge => ({ id, source, target, type, weight, fundPaid });

// sigma's rendering module (pulled in by @sigma/edge-curve for its parallel-edge index) reads WebGL
// constants when it loads; Node has no WebGL, and the functions tested here never draw.
(globalThis as Record<string, unknown>).WebGL2RenderingContext ??= class {};
(globalThis as Record<string, unknown>).WebGLRenderingContext ??= class {};
const { applySizes, createModel, edgeSize, mergeIntoModel, ringSlot } = await import('../../ui/src/graph/build.ts');

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

  it('lays an expansion out on rings around the expanded node, not a heap (issue 23, defect 9)', () => {
    const g = createModel();
    mergeIntoModel(g, Array.from({ length: 30 }, (_, i) => node(`m${i}`, 'person')), []);
    const fan = Array.from({ length: 99 }, (_, i) => node(`n${i}`, 'claim', false));
    const added = mergeIntoModel(g, fan, fan.map((n, i) => edge(`e${i}`, n.id, 'm0', 'CHARGED_TO')), 'm0');
    expect(added).toHaveLength(99);
    const o = g.getNodeAttributes('m0');
    const pts = added.map((id) => g.getNodeAttributes(id));
    const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);
    const nearest = Math.min(...pts.flatMap((a, i) => pts.slice(i + 1).map((b) => dist(a, b))));
    const inner = Math.min(...pts.map((p) => dist(p, o)));
    // no two new nodes on top of each other: at least a fifth of the first ring's radius apart
    expect(nearest).toBeGreaterThan(inner / 5);
    // 99 nodes on rings of 12, 24, 36 and 27
    expect([0, 11, 12, 35, 36, 71, 72, 98].map((k) => ringSlot(k, 99).ring)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(ringSlot(98, 99)).toMatchObject({ slot: 26, slots: 27 });
  });

  it('copes with a single node', () => {
    const g = createModel();
    mergeIntoModel(g, [node('p', 'person')], []);
    applySizes(g, 'degree');
    expect(g.order).toBe(1);
    expect(g.getNodeAttribute('p', 'size')).toBeGreaterThan(0);
  });
});
