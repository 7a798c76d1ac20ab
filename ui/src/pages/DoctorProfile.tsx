import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { DoctorRating } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { BandBadge } from '../components/BandBadge.tsx';
import { BreakdownTable, CategoryTable, RingsTable, Trend } from '../components/RatingParts.tsx';
import { Async } from '../components/States.tsx';
import { useFormat } from '../i18n/format.ts';

/** One doctor's credit rating (the doctor model): score and band, points by category, breakdown, trend, rings. */
export function DoctorProfile() {
  const { t } = useTranslation();
  const f = useFormat();
  const { code = '' } = useParams();
  const [params] = useSearchParams();
  const period = params.get('period') ?? '';
  const state = useApi(() => api.get<DoctorRating>(`/ratings/doctors/${encodeURIComponent(code)}`, { period }), [code, period]);
  return (
    <section data-testid="doctor-profile">
      <Link to="/doctors">← {t('doctorRating.back')}</Link>
      <Async state={state}>
        {(d) => (
          <>
            <h1>
              {d.doctor.name ?? d.doctor.code} <span className="muted small">{d.doctor.code}</span>
            </h1>
            <div className="muted">
              {d.doctor.department ?? '—'}
              {d.doctor.title ? ` · ${d.doctor.title}` : ''} ·{' '}
              {d.doctor.institutionCode ? (
                <Link to={`/institutions/${encodeURIComponent(d.doctor.institutionCode)}`} data-testid="doctor-institution">
                  {d.doctor.institutionName ?? d.doctor.institutionCode}
                </Link>
              ) : (
                '—'
              )}{' '}
              ({d.doctor.kind ? t(`value.kind.${d.doctor.kind}`, { defaultValue: d.doctor.kind }) : '—'} · {d.doctor.level ? t(`value.level.${d.doctor.level}`, { defaultValue: d.doctor.level }) : '—'})
              {' · '}
              <Link to={`/entities/doctor/${encodeURIComponent(d.doctor.code)}`}>{t('nodeType.doctor')}</Link>
            </div>
            {!d.current ? (
              <div className="state">{t('doctorRating.noRatings')}</div>
            ) : (
              <>
                <div className="rating-head">
                  <div>
                    <div className="muted">{t('rating.current', { period: d.current.period })}</div>
                    <div className="rating-score" data-testid="rating-score">
                      {d.current.score === null ? '—' : f.num(d.current.score, 1)}
                    </div>
                  </div>
                  <div data-testid="rating-band">
                    <BandBadge band={d.current.band} />
                  </div>
                  <div className="muted small">
                    {t('rating.earnedOf', { earned: f.num(d.current.earned, 1), evaluated: f.num(d.current.evaluated), scale: d.model.scale })}
                    <br />
                    {t('rating.coverage')} {f.percent(d.current.coverage)} · {d.model.id}
                  </div>
                </div>
                <div className="rating-grid">
                  <div className="panel">
                    <h3>{t('rating.categories')}</h3>
                    <CategoryTable categories={d.categories} />
                  </div>
                  <div className="panel">
                    <h3>{t('rating.trend')}</h3>
                    <Trend trend={d.trend} bands={d.model.bands} scale={d.model.scale} />
                  </div>
                </div>
                <h2>{t('rating.breakdown')}</h2>
                <BreakdownTable lines={d.current.lines} period={d.current.period} />
              </>
            )}
            <h2>{t('doctorRating.rings')}</h2>
            {d.rings.length === 0 ? <div className="muted">{t('doctorRating.noRings')}</div> : <RingsTable rings={d.rings} testId="doctor-rings" />}
          </>
        )}
      </Async>
    </section>
  );
}
