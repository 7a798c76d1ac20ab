import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { RatingPage, RatingPeriods, RegionList } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { BandBadge } from '../components/BandBadge.tsx';
import { Empty, ErrorBox, Loading } from '../components/States.tsx';
import { useFormat } from '../i18n/format.ts';

const PAGE = 50;

/** Band distribution of a period, one bar per band; clicking a bar filters the list to it. */
export function BandDistribution({ data, selected, onSelect }: { data: Pick<RatingPage, 'model' | 'bands'>; selected: string[]; onSelect: (band: string) => void }) {
  const { t } = useTranslation();
  const codes = [...data.model.bands.map((b) => b.code), ...((data.bands.none ?? 0) > 0 ? ['none'] : [])];
  const total = codes.reduce((s, c) => s + (data.bands[c] ?? 0), 0);
  const max = Math.max(1, ...codes.map((c) => data.bands[c] ?? 0));
  return (
    <div className="band-dist" data-testid="band-distribution" aria-label={t('rating.distribution')}>
      {codes.map((c) => {
        const n = data.bands[c] ?? 0;
        return (
          <div key={c} className={`col ${selected.includes(c) ? 'selected' : ''}`} data-testid="band-bar" data-band={c} data-count={n} onClick={() => onSelect(c)} title={`${c}: ${n}`}>
            <div className="lbl">{n} · {total ? Math.round((100 * n) / total) : 0}%</div>
            <div className={`bar band-${c}`} style={{ height: `${(80 * n) / max}%` }} />
            <div className="lbl">{c === 'none' ? t('rating.bandName.none') : `${c} ${t(`rating.bandName.${c}`)}`}</div>
          </div>
        );
      })}
    </div>
  );
}

/** Institutions by credit rating: distribution, filters (band, kind, region, name), sortable list. */
export function Institutions() {
  const { t } = useTranslation();
  const f = useFormat();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const period = params.get('period') ?? '';
  const band = params.get('band') ?? '';
  const kind = params.get('kind') ?? '';
  const region = params.get('region') ?? '';
  const q = params.get('q') ?? '';
  const sort = params.get('sort') ?? 'score';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const periods = useApi(() => api.get<RatingPeriods>('/ratings/periods'), []);
  // Regions by name, as in the ring queue; the list filters by the chosen region's code.
  const regions = useApi(() => api.get<RegionList>('/regions'), []);
  const page = useApi(() => api.get<RatingPage>('/ratings', { period, band, kind, region, q, sort, limit: PAGE, offset }), [period, band, kind, region, q, sort, offset]);

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k !== 'offset') next.delete('offset');
    setParams(next, { replace: true });
  };
  const bands = band ? band.split(',') : [];
  const toggleBand = (c: string) => set('band', bands.includes(c) ? bands.filter((b) => b !== c).join(',') : [...bands, c].join(','));
  const sortBy = (k: string) => set('sort', sort === k ? `-${k}` : sort === `-${k}` ? k : k === 'score' ? 'score' : `-${k}`);
  const arrow = (k: string) => (sort === k ? ' ▲' : sort === `-${k}` ? ' ▼' : '');

  return (
    <section data-testid="institutions-page">
      <h1>{t('rating.title')}</h1>
      <div className="filters">
        <label>
          {t('rating.period')}{' '}
          <select value={period || page.data?.period || ''} onChange={(e) => set('period', e.target.value)} data-testid="period-picker">
            {(periods.data?.items ?? []).map((p) => (
              <option key={`${p.period}-${p.modelId}`} value={p.period}>
                {p.period}
              </option>
            ))}
          </select>
        </label>
        <select value={band} onChange={(e) => set('band', e.target.value)} aria-label={t('rating.band')} data-testid="band-filter">
          <option value="">{t('rating.allBands')}</option>
          {(page.data?.model.bands ?? []).map((b) => (
            <option key={b.code} value={b.code}>
              {b.code} {t(`rating.bandName.${b.code}`)} (≥ {b.min})
            </option>
          ))}
          {band.includes(',') && <option value={band}>{band}</option>}
        </select>
        <select value={kind} onChange={(e) => set('kind', e.target.value)} aria-label={t('rating.kind')} data-testid="kind-filter">
          <option value="">{t('rating.allKinds')}</option>
          {(['hospital', 'clinic', 'pharmacy'] as const).map((k) => (
            <option key={k} value={k}>
              {t(`value.kind.${k}`)}
            </option>
          ))}
        </select>
        <select value={region} onChange={(e) => set('region', e.target.value)} aria-label={t('rating.region')} data-testid="region-filter">
          <option value="">{t('queue.allRegions')}</option>
          {[...(regions.data?.items ?? [])].sort((a, b) => (a.name ?? a.code).localeCompare(b.name ?? b.code, 'zh')).map((g) => (
            <option key={g.code} value={g.code}>
              {g.name ?? g.code}
            </option>
          ))}
          {region && !(regions.data?.items ?? []).some((g) => g.code === region) && <option value={region}>{region}</option>}
        </select>
        <input type="search" placeholder={t('rating.search')} value={q} onChange={(e) => set('q', e.target.value)} data-testid="institution-search" />
      </div>
      {page.error ? (
        <ErrorBox error={page.error} retry={page.reload} />
      ) : !page.data ? (
        <Loading />
      ) : page.data.period === null ? (
        <Empty>{t('rating.noRatings')}</Empty>
      ) : (
        <>
          <h2>
            {t('rating.distribution')} · {page.data.period}
          </h2>
          <BandDistribution data={page.data} selected={bands} onSelect={toggleBand} />
          <div className="muted">{t('rating.count', { count: page.data.total })}</div>
          {page.data.items.length === 0 ? (
            <Empty />
          ) : (
            <table className="table" data-testid="institution-table">
              <thead>
                <tr>
                  <th className="sortable num" onClick={() => sortBy('score')} data-testid="sort-score">
                    {t('rating.score')}
                    {arrow('score')}
                  </th>
                  <th>{t('rating.band')}</th>
                  <th className="sortable" onClick={() => sortBy('code')}>
                    {t('rating.code')}
                    {arrow('code')}
                  </th>
                  <th className="sortable" onClick={() => sortBy('name')}>
                    {t('rating.name')}
                    {arrow('name')}
                  </th>
                  <th>{t('rating.kind')}</th>
                  <th>{t('rating.level')}</th>
                  <th>{t('queue.region')}</th>
                  <th className="sortable num" onClick={() => sortBy('ringFundShare')} data-testid="sort-ring-share">
                    {t('rating.ringShare')}
                    {arrow('ringFundShare')}
                  </th>
                  <th className="num">{t('rating.coverage')}</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((r) => (
                  <tr key={r.code} className="clickable" data-code={r.code} data-score={r.score ?? ''} data-band={r.band ?? 'none'} onClick={() => navigate(`/institutions/${encodeURIComponent(r.code)}?period=${encodeURIComponent(r.period)}`)}>
                    <td className="num">{r.score === null ? '—' : f.num(r.score, 1)}</td>
                    <td>
                      <BandBadge band={r.band} />
                    </td>
                    <td className="nowrap">
                      <Link to={`/institutions/${encodeURIComponent(r.code)}?period=${encodeURIComponent(r.period)}`} onClick={(e) => e.stopPropagation()}>
                        {r.code}
                      </Link>
                    </td>
                    <td>{r.name ?? '—'}</td>
                    <td className="nowrap">{r.kind ? t(`value.kind.${r.kind}`, { defaultValue: r.kind }) : '—'}</td>
                    <td className="nowrap">{r.level ? t(`value.level.${r.level}`, { defaultValue: r.level }) : '—'}</td>
                    <td className="nowrap" title={r.region ?? ''}>
                      {r.regionName ?? r.region ?? '—'}
                    </td>
                    <td className="num">{r.ringFundShare === null ? '—' : `${f.num(r.ringFundShare * 100, 1)}%`}</td>
                    <td className="num">{f.percent(r.coverage)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="filters">
            {offset > 0 && (
              <button type="button" onClick={() => set('offset', String(Math.max(0, offset - PAGE)))}>
                {t('rating.prev')}
              </button>
            )}
            {offset + PAGE < page.data.total && (
              <button type="button" onClick={() => set('offset', String(offset + PAGE))}>
                {t('rating.more')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
