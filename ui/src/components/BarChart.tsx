import type { Bucket } from './timeline-buckets.ts';

/**
 * Bars with their own labels underneath, each label under its bar (a label is printed on every k-th
 * bar so they never overlap or repeat). Clicking a bar selects it; clicking it again clears.
 */
export function BarChart({ buckets, value, format, selected, onSelect, testId, maxLabels = 14 }: {
  buckets: Bucket[];
  value: (b: Bucket) => number;
  format: (v: number) => string;
  selected?: string | null;
  onSelect?: (key: string | null) => void;
  testId: string;
  maxLabels?: number;
}) {
  const max = Math.max(1, ...buckets.map(value));
  const every = Math.max(1, Math.ceil(buckets.length / maxLabels));
  return (
    <div className="bar-chart" data-testid={testId}>
      <div className="bars">
        {buckets.map((b, i) => (
          <div
            key={b.key}
            className={`bar-col ${selected === b.key ? 'selected' : ''}`}
            title={`${b.key}: ${format(value(b))}`}
            data-testid={`${testId}-bar`}
            data-key={b.key}
            data-value={value(b)}
            onClick={() => onSelect?.(selected === b.key ? null : b.key)}
          >
            <div className="bar" style={{ height: `${(100 * value(b)) / max}%` }} />
            <div className="bar-label">{i % every === 0 ? b.label : ''}</div>
          </div>
        ))}
      </div>
    </div>
  );
}
