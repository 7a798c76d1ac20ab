import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { Claim } from '../api/types.ts';
import { useFormat } from '../i18n/format.ts';
import { Empty } from './States.tsx';
import { monthlyFundPaid } from './timeline-data.ts';

export function Timeline({ claims, label }: { claims: Claim[]; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const f = useFormat();
  const data = monthlyFundPaid(claims);
  const key = `${data.months.join(',')}|${data.fund.join(',')}|${f.money(1)}`;
  useEffect(() => {
    const node = el.current;
    if (!node || data.months.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.max(240, node.clientWidth),
        height: 150,
        legend: { show: false },
        cursor: { y: false },
        scales: { x: { time: true } },
        axes: [
          { values: (_u, ticks) => ticks.map((s) => { const d = new Date(s * 1000 + 8 * 3600_000); return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`; }), size: 30, font: '11px system-ui' },
          { values: (_u, ticks) => ticks.map((v) => f.moneyCompact(v)), size: 60, font: '11px system-ui' },
        ],
        series: [{}, { label, fill: 'rgba(47,111,219,0.55)', stroke: '#2f6fdb', width: 1, paths: uPlot.paths.bars!({ size: [0.8, 40] }), points: { show: false } }],
      },
      [data.months, data.fund],
      node,
    );
    // Follow the panel's width (the side panel appears after the first layout pass).
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(240, node.clientWidth), height: 150 }));
    ro.observe(node);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (data.months.length === 0) return <Empty />;
  return <div ref={el} className="timeline" data-testid="timeline" aria-label={label} />;
}
