import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { InstitutionRating } from '../api/types.ts';
import { currentLang } from '../i18n/index.ts';
import { useFormat } from '../i18n/format.ts';

/** Pieces shared by the institution and doctor credit profiles (the API gives both the same line shape). */
export type RatingLineView = NonNullable<InstitutionRating['current']>['lines'][number];
type Category = InstitutionRating['categories'][number];
type TrendPoint = InstitutionRating['trend'][number];
type RingRow = InstitutionRating['rings'][number];

/** Score per period, oldest first, over the bands drawn as stripes (A at the top); `scale` is the model's full score. */
export function Trend({ trend, bands, scale }: { trend: TrendPoint[]; bands: { code: string; min: number }[]; scale: number }) {
  const f = useFormat();
  const w = 440;
  const h = 170;
  const left = 8;
  const right = 22;
  const top = 16;
  const bottom = 20;
  // Points sit 40 px inside the stripes, so labels above them and periods below fit.
  const inset = 40;
  const yOf = (s: number) => top + ((scale - s) * (h - top - bottom)) / scale;
  const xOf = (i: number) => left + inset + (trend.length === 1 ? (w - left - right - 2 * inset) / 2 : (i * (w - left - right - 2 * inset)) / (trend.length - 1));
  const pts = trend.map((p, i) => ({ ...p, x: xOf(i), y: p.score === null ? null : yOf(p.score) }));
  const path = pts.filter((p) => p.y !== null).map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  return (
    <svg width={w} height={h} data-testid="rating-trend" role="img">
      {bands.map((b, i) => {
        const hi = i === 0 ? scale : bands[i - 1]!.min;
        const y1 = yOf(hi);
        const y2 = yOf(b.min);
        return (
          <g key={b.code}>
            <rect x={left} y={y1} width={w - left - right} height={y2 - y1} className={`stripe band-${b.code}`} />
            {y2 - y1 >= 11 && (
              <text x={w - right + 4} y={(y1 + y2) / 2 + 4} fontSize="10" textAnchor="start" fill="#7f8c8d">
                {b.code}
              </text>
            )}
          </g>
        );
      })}
      <path d={path} fill="none" stroke="#2c3e50" strokeWidth="2" />
      {pts.map((p) => (
        <g key={p.period} data-testid="trend-point" data-period={p.period} data-score={p.score ?? ''}>
          {p.y !== null && <circle cx={p.x} cy={p.y} r="4" fill="#2c3e50" />}
          {p.y !== null && (
            <text x={p.x} y={Math.max(11, p.y - 8)} fontSize="11" textAnchor="middle">
              {f.num(p.score, scale > 100 ? 0 : 1)} {p.band}
            </text>
          )}
          <text x={p.x} y={h - 4} fontSize="11" textAnchor="middle" fill="#7f8c8d">
            {p.period}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** A line's value: shares, rates and growth in percent; anything else as a number; a missing value as a dash (never 0). */
export function formatLineValue(l: RatingLineView, f: ReturnType<typeof useFormat>): string {
  if (l.value === null) return '—';
  const shareLike = l.indicator.includes('share') || l.indicator.includes('rate') || l.indicator.includes('growth');
  return shareLike ? `${f.num(l.value * 100, 2)}%` : f.num(l.value, 3);
}

/** Points per category, with a bar for the share earned of what was evaluated. */
export function CategoryTable({ categories }: { categories: Category[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = currentLang();
  return (
    <table className="table compact" data-testid="category-table">
      <tbody>
        {categories.map((c) => (
          <tr key={c.id}>
            <td>{c.name[lang]}</td>
            <td className="num">
              {c.evaluated === 0 ? (
                <span className="muted">{t('rating.status.missing')}</span>
              ) : (
                <>
                  <span className="points-track">
                    <span className="points-bar" style={{ width: `${(100 * c.earned) / c.evaluated}%` }} />
                  </span>
                  {f.num(c.earned, 1)} / {f.num(c.evaluated)}
                </>
              )}
            </td>
            <td className="num muted">{c.points}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The breakdown line by line: value, points (or missing / not applicable), peers, note. */
export function BreakdownTable({ lines, period }: { lines: RatingLineView[]; period: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = currentLang();
  return (
    <table className="table compact" data-testid="breakdown-table">
      <thead>
        <tr>
          <th>{t('rating.indicator')}</th>
          <th>{t('rating.source')}</th>
          <th className="num">{t('rating.value')}</th>
          <th className="num">{t('rating.points')}</th>
          <th>{t('rating.peers')}</th>
          <th>{t('rating.note')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.indicator} data-indicator={l.indicator} data-status={l.status} className={l.status !== 'scored' ? 'line-missing' : l.points !== null && l.points < l.maxPoints ? 'line-lost' : ''}>
            <td>{l.name?.[lang] ?? l.indicator}</td>
            <td className="nowrap">{t(`rating.sourceKind.${l.source}`)}</td>
            <td className="num">{formatLineValue(l, f)}</td>
            <td className="num pts">{l.status === 'scored' ? `${f.num(l.points, 1)} / ${l.maxPoints}` : t(`rating.status.${l.status}`)}</td>
            <td className="small">{l.peer ? t('rating.peerText', { group: t(`rating.peerGroup.${l.peer.group}`), n: l.peer.n, median: f.num(l.peer.median, 4), z: f.num(l.peer.z, 2) }) : ''}</td>
            <td className="small">{ringFamilies(l, t, f.percent) ?? missingImport(l, period, t, lang) ?? l.note?.[lang] ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A missing import, named through the catalogues: the stored note spells the import's key (basic-info).
 * A custom model's import the catalogues do not know is named by its indicator. Ratings stored before the
 * reason was kept say only that it is missing.
 */
function missingImport(l: RatingLineView, period: string, t: (k: string, o?: Record<string, unknown>) => string, lang: 'zh' | 'en'): string | null {
  if (l.source !== 'imported' || l.status !== 'missing' || !l.imported) return null;
  const why = (l.detail as { missing?: string } | null)?.missing;
  const reason = why === 'not-imported' || why === 'imported-empty' ? why : 'missing';
  const name = t(`rating.importName.${l.imported}`, { defaultValue: l.name?.[lang] ?? t('rating.sourceKind.imported') });
  return t(`rating.missingImport.${reason}`, { period, name });
}

/** Ring-share lines: the families behind the share, in words. */
function ringFamilies(l: RatingLineView, t: (k: string, o?: Record<string, unknown>) => string, percent: (n: number) => string): string | null {
  const by = (l.detail as { byFamily?: { family: string; fundShare: number; patientShare: number; rings: number }[] } | null)?.byFamily;
  if (!by || by.length === 0) return null;
  const patients = l.indicator === 'ring-patient-share';
  return by
    .map((b) => t('rating.familyShare', { family: t(`family.${b.family}`, { defaultValue: b.family }), share: percent(patients ? b.patientShare : b.fundShare), count: b.rings }))
    .join('；');
}

/** The rings an institution or doctor is a member of. */
export function RingsTable({ rings, testId }: { rings: RingRow[]; testId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <table className="table compact" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('rating.family')}</th>
          <th className="num">{t('rating.ringScore')}</th>
          <th className="num">{t('queue.members')}</th>
          <th className="num">{t('queue.money')}</th>
          <th>{t('queue.period')}</th>
          <th>{t('queue.status')}</th>
          <th>{t('rating.verdict')}</th>
        </tr>
      </thead>
      <tbody>
        {rings.map((r) => (
          <tr key={r.ringId} data-ring-id={r.ringId}>
            <td>
              <Link to={`/rings/${encodeURIComponent(r.ringId)}`}>{t(`family.${r.family}`, { defaultValue: r.family })}</Link>
            </td>
            <td className="num">{f.num(r.score, 1)}</td>
            <td className="num">{f.num(r.memberCount)}</td>
            <td className="num">{f.money(r.fundPaid)}</td>
            <td className="nowrap">
              {f.date(r.periodStart)} – {f.date(r.periodEnd)}
            </td>
            <td>{t(`ringStatus.${r.status}`, { defaultValue: r.status })}</td>
            <td>{r.verdict ? t(`verdict.${r.verdict}`, { defaultValue: r.verdict }) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
