import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClaimTimeline } from '../api/types.ts';
import { useFormat } from '../i18n/format.ts';
import { BarChart } from './BarChart.tsx';
import { Empty } from './States.tsx';
import { hourBuckets, periodBuckets, type Grain } from './timeline-buckets.ts';

/**
 * A timeline from server-side aggregates over all claims (GET …/timeline): per month or day, and per
 * hour of the day, claims or fund paid. Selecting a bar (a month, a day or an hour) is the time brush:
 * the caller filters its claims and graph by it.
 */
export function ClaimTimelineView({ data, compact, selection, onSelect }: {
  data: ClaimTimeline;
  compact?: boolean;
  selection?: { grain: Grain | 'hour'; key: string } | null;
  onSelect?: (s: { grain: Grain | 'hour'; key: string } | null) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [grain, setGrain] = useState<Grain>('month');
  const [measure, setMeasure] = useState<'claims' | 'fundPaid'>('fundPaid');
  if (data.claims === 0) return <Empty />;
  const value = (b: { claims: number; fundPaid: number }) => (measure === 'claims' ? b.claims : b.fundPaid);
  const format = (v: number) => (measure === 'claims' ? t('ws.claims', { count: v }) : f.money(v));
  return (
    <div className="timeline-view" data-testid="timeline">
      <div className="row small">
        <span className="muted">{t('timeline.total', { count: data.claims, money: f.money(data.fundPaid) })}</span>
        <select value={grain} onChange={(e) => setGrain(e.target.value as Grain)} aria-label={t('timeline.grain')} data-testid="timeline-grain">
          <option value="month">{t('timeline.byMonth')}</option>
          <option value="day">{t('timeline.byDay')}</option>
        </select>
        <select value={measure} onChange={(e) => setMeasure(e.target.value as 'claims' | 'fundPaid')} aria-label={t('timeline.measure')}>
          <option value="fundPaid">{t('claim.fundPaid')}</option>
          <option value="claims">{t('timeline.claims')}</option>
        </select>
      </div>
      <BarChart
        buckets={periodBuckets(data, grain)}
        value={value}
        format={format}
        testId="timeline-period"
        selected={selection && selection.grain === grain ? selection.key : null}
        onSelect={onSelect ? (key) => onSelect(key ? { grain, key } : null) : undefined}
        maxLabels={compact ? 6 : 14}
      />
      <h4 className="small">{t('timeline.byHour')}</h4>
      <BarChart
        buckets={hourBuckets(data)}
        value={(b) => b.claims}
        format={(v) => t('ws.claims', { count: v })}
        testId="timeline-hour"
        selected={selection?.grain === 'hour' ? selection.key : null}
        onSelect={onSelect ? (key) => onSelect(key ? { grain: 'hour', key } : null) : undefined}
        maxLabels={compact ? 8 : 24}
      />
    </div>
  );
}
