import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { DoctorRatingPage, RatingPeriods } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Empty, ErrorBox, Loading } from '../components/States.tsx';
import { BandDistribution } from './Institutions.tsx';
import { DoctorTable } from './InstitutionProfile.tsx';

const PAGE = 50;

/** Doctors by credit rating (the doctor model): distribution, filters (band, department, name), sortable list. */
export function Doctors() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const period = params.get('period') ?? '';
  const band = params.get('band') ?? '';
  const department = params.get('department') ?? '';
  const q = params.get('q') ?? '';
  const sort = params.get('sort') ?? 'score';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const periods = useApi(() => api.get<RatingPeriods>('/ratings/periods', { subject: 'doctor' }), []);
  const page = useApi(() => api.get<DoctorRatingPage>('/ratings/doctors', { period, band, department, q, sort, limit: PAGE, offset }), [period, band, department, q, sort, offset]);

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
    <section data-testid="doctors-page">
      <h1>{t('doctorRating.title')}</h1>
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
        <select value={department} onChange={(e) => set('department', e.target.value)} aria-label={t('doctorRating.department')} data-testid="department-filter">
          <option value="">{t('doctorRating.allDepartments')}</option>
          {(page.data?.departments ?? []).map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
        <input type="search" placeholder={t('doctorRating.search')} value={q} onChange={(e) => set('q', e.target.value)} data-testid="doctor-search" />
      </div>
      {page.error ? (
        <ErrorBox error={page.error} retry={page.reload} />
      ) : !page.data ? (
        <Loading />
      ) : page.data.period === null ? (
        <Empty>{t('doctorRating.noRatings')}</Empty>
      ) : (
        <>
          <h2>
            {t('rating.distribution')} · {page.data.period} · {t('doctorRating.scale', { scale: page.data.model.scale })}
          </h2>
          <BandDistribution data={page.data} selected={bands} onSelect={toggleBand} />
          <div className="muted">{t('doctorRating.count', { count: page.data.total })}</div>
          {page.data.items.length === 0 ? <Empty /> : <DoctorTable page={page.data} showInstitution sortBy={sortBy} arrow={arrow} />}
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
