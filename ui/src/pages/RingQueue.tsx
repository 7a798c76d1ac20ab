import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import { FAMILIES, type Page, type RingSummary } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../components/States.tsx';
import { ChangeBadge } from '../components/badges.tsx';
import { PersonName } from '../components/PersonName.tsx';
import { BandBadge } from '../components/BandBadge.tsx';
import { currentLang } from '../i18n/index.ts';
import { useFormat } from '../i18n/format.ts';

const SORTABLE = { score: 'score', memberCount: 'members', fundPaid: 'money', periodEnd: 'period' } as const;
type SortKey = keyof typeof SORTABLE;

/** The queue of detected rings: server-side filters and sort, client-side text search and change filter. */
export function RingQueue() {
  const { t } = useTranslation();
  const f = useFormat();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const sort = params.get('sort') ?? '-score';
  const type = params.get('type') ?? '';
  const region = params.get('region') ?? '';
  const status = params.get('status') ?? '';
  const minScore = params.get('minScore') ?? '';
  const run = params.get('run') ?? '';
  const [text, setText] = useState('');
  const [onlyChanged, setOnlyChanged] = useState(false);
  const [extra, setExtra] = useState<{ items: RingSummary[]; cursor: string | null } | null>(null);

  // Regions by name (the queue shows names; descriptions use them too), codes kept for the filter.
  const regions = useApi(() => api.get<{ items: { code: string; name: string | null; activeRings: number }[] }>('/regions'), []);
  const page = useApi(() => {
    setExtra(null);
    return api.get<Page<RingSummary>>('/rings', { sort, type, region, status, minScore, run, limit: 100 });
  }, [sort, type, region, status, minScore, run]);

  const all = useMemo(() => [...(page.data?.items ?? []), ...(extra?.items ?? [])], [page.data, extra]);
  const cursor = extra ? extra.cursor : (page.data?.nextCursor ?? null);
  const lang = currentLang();
  const shown = all.filter((r) => {
    if (onlyChanged && r.lastChange !== 'new' && r.lastChange !== 'grown') return false;
    if (!text) return true;
    const q = text.toLowerCase();
    return r.ringId.toLowerCase().includes(q) || (r.headline?.[lang] ?? '').toLowerCase().includes(q) || (r.region ?? '').toLowerCase().includes(q) || (r.regionName ?? '').includes(text);
  });

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const sortBy = (k: SortKey) => set('sort', sort === `-${k}` ? k : `-${k}`);
  const arrow = (k: SortKey) => (sort === `-${k}` ? ' ▼' : sort === k ? ' ▲' : '');

  async function more() {
    if (!cursor) return;
    const next = await api.get<Page<RingSummary>>('/rings', { sort, type, region, status, minScore, run, limit: 100, cursor });
    setExtra({ items: [...(extra?.items ?? []), ...next.items], cursor: next.nextCursor });
  }

  return (
    <section>
      <h1>{t('queue.title')}</h1>
      <div className="filters">
        <input type="search" placeholder={t('queue.search')} value={text} onChange={(e) => setText(e.target.value)} data-testid="queue-search" />
        <select value={type} onChange={(e) => set('type', e.target.value)} aria-label={t('queue.family')}>
          <option value="">{t('queue.allFamilies')}</option>
          {FAMILIES.map((fam) => (
            <option key={fam} value={fam}>
              {t(`family.${fam}`)}
            </option>
          ))}
        </select>
        <select value={region} onChange={(e) => set('region', e.target.value)} aria-label={t('queue.region')} data-testid="region-picker">
          <option value="">{t('queue.allRegions')}</option>
          {(regions.data?.items ?? []).map((g) => (
            <option key={g.code} value={g.code}>
              {g.name ?? g.code} ({t('queue.regionRings', { count: g.activeRings })})
            </option>
          ))}
          {region && !(regions.data?.items ?? []).some((g) => g.code === region) && <option value={region}>{region}</option>}
        </select>
        <select value={status} onChange={(e) => set('status', e.target.value)} aria-label={t('queue.status')}>
          <option value="">{t('queue.allStatuses')}</option>
          <option value="active">{t('ringStatus.active')}</option>
          <option value="dissolved">{t('ringStatus.dissolved')}</option>
        </select>
        <label>
          {t('queue.minScore')} <input type="number" min={0} max={100} value={minScore} onChange={(e) => set('minScore', e.target.value)} style={{ width: '4em' }} />
        </label>
        <label>
          <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} /> {t('queue.onlyChanged')}
        </label>
        {run && (
          <button type="button" className="badge" onClick={() => set('run', '')}>
            {run} ✕
          </button>
        )}
      </div>
      {page.error ? (
        <ErrorBox error={page.error} retry={page.reload} />
      ) : page.loading && !page.data ? (
        <Loading />
      ) : shown.length === 0 ? (
        <Empty />
      ) : (
        <>
          <div className="muted">{t('queue.count', { count: shown.length })}</div>
          <table className="table ring-table" data-testid="ring-table">
            <thead>
              <tr>
                <th />
                <th className="sortable num" onClick={() => sortBy('score')}>
                  {t('queue.score')}
                  {arrow('score')}
                </th>
                <th>{t('queue.type')}</th>
                <th className="sortable num" onClick={() => sortBy('memberCount')}>
                  {t('queue.members')}
                  {arrow('memberCount')}
                </th>
                <th className="sortable num" onClick={() => sortBy('fundPaid')}>
                  {t('queue.money')}
                  {arrow('fundPaid')}
                </th>
                <th>{t('queue.region')}</th>
                <th className="sortable" onClick={() => sortBy('periodEnd')}>
                  {t('queue.period')}
                  {arrow('periodEnd')}
                </th>
                <th>{t('rating.bandCol')}</th>
                <th>{t('queue.status')}</th>
                <th>{t('queue.case')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.ringId} className="clickable" data-ring-id={r.ringId} onClick={() => navigate(`/rings/${encodeURIComponent(r.ringId)}`)}>
                  <td>
                    <ChangeBadge change={r.lastChange} />
                  </td>
                  <td className="num">
                    <ScoreBar score={r.score} />
                  </td>
                  <td>
                    <Link to={`/rings/${encodeURIComponent(r.ringId)}`} onClick={(e) => e.stopPropagation()}>
                      {t(`family.${r.family}`)}
                    </Link>
                    <div className="muted small">{r.headline?.[lang] ?? r.ringId}</div>
                  </td>
                  <td className="num">{f.num(r.memberCount)}</td>
                  <td className="num">{f.money(r.fundPaid)}</td>
                  <td className="nowrap" title={r.region ?? ''} data-testid="ring-region">
                    {r.regionName ?? r.region ?? '—'}
                  </td>
                  <td className="nowrap">
                    {f.date(r.periodStart)} – {f.date(r.periodEnd)}
                  </td>
                  <td className="nowrap" data-testid="ring-bands">
                    {r.institutions.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      r.institutions.slice(0, 3).map((i) => (
                        <div key={i.code}>
                          <Link to={`/institutions/${encodeURIComponent(i.code)}`} onClick={(e) => e.stopPropagation()} title={`${i.name ?? i.code}${i.score !== null ? ` · ${i.score}` : ''}${i.period ? ` · ${i.period}` : ''}`}>
                            <BandBadge band={i.band} title={`${i.name ?? i.code}`} />
                          </Link>{' '}
                          <span className="muted small">{(i.name ?? i.code).slice(0, 12)}</span>
                        </div>
                      ))
                    )}
                    {r.institutions.length > 3 && <span className="muted small">+{r.institutions.length - 3}</span>}
                  </td>
                  <td className="nowrap">{t(`ringStatus.${r.status}`, { defaultValue: r.status })}</td>
                  <td className="nowrap">
                    {r.openCase ? (
                      <>
                        <span className={`badge case-${r.openCase.status}`}>{t(`caseStatus.${r.openCase.status}`)}</span>
                        {r.openCase.assignee && (
                          <div className="small">
                            <PersonName name={r.openCase.assigneeName} username={r.openCase.assignee} testId="queue-assignee" />
                          </div>
                        )}
                      </>
                    ) : r.verdict ? <span className="badge">{t(`verdict.${r.verdict}`, { defaultValue: r.verdict })}</span> : <span className="muted">{t('caseStatus.none')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {cursor && (
            <button type="button" onClick={() => void more()}>
              {t('queue.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function ScoreBar({ score }: { score: number }) {
  const f = useFormat();
  const hue = score >= 80 ? '#c0392b' : score >= 60 ? '#e07b1a' : '#7f8c8d';
  return (
    <span className="score">
      {/* The bar's length is the score's share of a fixed track, so 55 and 95 look different. */}
      <span className="score-track">
        <span className="score-bar" data-testid="score-bar" style={{ width: `${Math.max(4, Math.min(100, score))}%`, background: hue }} />
      </span>
      <span className="score-num">{f.num(score, 1)}</span>
    </span>
  );
}
