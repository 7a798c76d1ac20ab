import { describe, expect, it } from 'vitest';
import { barChart, chartSvg, compactNumber, horizontalBars, lineChart, niceStep } from '../../../reports/charts.ts';

describe('report charts', () => {
  it('picks readable axis steps and compact Chinese number units', () => {
    expect(niceStep(37)).toBe(10);
    expect(niceStep(1_240_000)).toBe(500_000);
    expect(niceStep(0)).toBe(1);
    expect(compactNumber(12)).toBe('12');
    expect(compactNumber(25_000)).toBe('2.5万');
    expect(compactNumber(340_000_000)).toBe('3.4亿');
  });

  it('draws one bar per run, scaled to the axis, the current run highlighted', () => {
    const c = barChart('rings', [{ label: 'a', value: 10 }, { label: 'b', value: 20, highlight: true }]);
    const bars = c.shapes.filter((s) => s.kind === 'rect');
    expect(bars).toHaveLength(2);
    const [a, b] = bars as { h: number; fill: string }[];
    expect(b!.h / a!.h).toBeCloseTo(2, 5);
    expect(a!.fill).not.toBe(b!.fill);
  });

  it('renders valid, escaped SVG', () => {
    const svg = chartSvg(horizontalBars('区 <A&B>', [{ label: '杭州市 330100', value: 5, note: '¥5.00' }]));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('区 &lt;A&amp;B&gt;');
    expect(svg).toContain('杭州市 330100');
    const line = lineChart('fund', [{ label: 'a', value: 1 }, { label: 'b', value: 3 }]);
    expect(line.shapes.filter((s) => s.kind === 'line' && s.points.length === 2 && s.stroke !== '#E3E3E3' && s.stroke !== '#888888')).toHaveLength(1);
  });
});
