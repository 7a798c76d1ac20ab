import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { DoctorRatingPage, InstitutionRating } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { BandBadge } from '../components/BandBadge.tsx';
import { BreakdownTable, CategoryTable, RingsTable, Trend } from '../components/RatingParts.tsx';
import { Async } from '../components/States.tsx';
import { useFormat } from '../i18n/format.ts';

/** One institution's credit rating: score and band, points by category, the breakdown line by line, trend, rings, its doctors' ratings. */
export function InstitutionProfile() {
  const { t } = useTranslation();
  const f = useFormat();
  const { code = '' } = useParams();
  const [params] = useSearchParams();
  const period = params.get('period') ?? '';
  const state = useApi(() => api.get<InstitutionRating>(`/ratings/institutions/${encodeURIComponent(code)}`, { period }), [code, period]);
  return (
    <section data-testid="institution-profile">
      <Link to="/institutions">← {t('rating.back')}</Link>
      <Async state={state}>
        {(d) => (
          <>
            <h1>
              {d.institution.name ?? d.institution.code} <span className="muted small">{d.institution.code}</span>
            </h1>
            <div className="muted">
              {d.institution.kind ? t(`value.kind.${d.institution.kind}`, { defaultValue: d.institution.kind }) : '—'} · {d.institution.level ? t(`value.level.${d.institution.level}`, { defaultValue: d.institution.level }) : '—'} ·{' '}
              {d.current?.regionName ?? d.institution.region ?? '—'}
              {' · '}
              <Link to={`/entities/institution/${encodeURIComponent(d.institution.code)}`}>{t('nodeType.institution')}</Link>
            </div>
            {!d.current ? (
              <div className="state">{t('rating.noRatings')}</div>
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
                    {t('rating.earnedOf', { earned: f.num(d.current.earned, 1), evaluated: f.num(d.current.evaluated), scale: d.scale })}
                    <br />
                    {t('rating.coverage')} {f.percent(d.current.coverage)}
                  </div>
                </div>
                <div className="rating-grid">
                  <div className="panel">
                    <h3>{t('rating.categories')}</h3>
                    <CategoryTable categories={d.categories} />
                  </div>
                  <div className="panel">
                    <h3>{t('rating.trend')}</h3>
                    <Trend trend={d.trend} bands={d.bands} scale={d.scale} />
                  </div>
                </div>
                <h2>{t('rating.breakdown')}</h2>
                <BreakdownTable lines={d.current.lines} period={d.current.period} />
              </>
            )}
            <h2>{t('rating.rings')}</h2>
            {d.rings.length === 0 ? <div className="muted">{t('rating.noRings')}</div> : <RingsTable rings={d.rings} testId="institution-rings" />}
            <InstitutionDoctors code={d.institution.code} period={d.current?.period ?? period} />
          </>
        )}
      </Async>
    </section>
  );
}

/** The doctors of the institution with their own ratings (doctor model), worst first. */
function InstitutionDoctors({ code, period }: { code: string; period: string }) {
  const { t } = useTranslation();
  const state = useApi(() => api.get<DoctorRatingPage>('/ratings/doctors', { institution: code, period, sort: 'score', limit: 500 }), [code, period]);
  return (
    <>
      <h2>{t('doctorRating.ofInstitution')}</h2>
      <Async state={state}>{(d) => (d.items.length === 0 ? <div className="muted">{t('doctorRating.none')}</div> : <DoctorTable page={d} showInstitution={false} />)}</Async>
    </>
  );
}

/** A table of doctor ratings, each row opening the doctor's profile. */
export function DoctorTable({ page, showInstitution, sortBy, arrow }: { page: DoctorRatingPage; showInstitution: boolean; sortBy?: (k: string) => void; arrow?: (k: string) => string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const th = (k: string, label: string, num = false) =>
    sortBy ? (
      <th className={`sortable${num ? ' num' : ''}`} onClick={() => sortBy(k)} data-testid={`doctor-sort-${k}`}>
        {label}
        {arrow?.(k)}
      </th>
    ) : (
      <th className={num ? 'num' : ''}>{label}</th>
    );
  return (
    <table className="table compact" data-testid="doctor-table">
      <thead>
        <tr>
          {th('score', t('rating.score'), true)}
          <th>{t('rating.band')}</th>
          {th('name', t('doctorRating.name'))}
          <th>{t('doctorRating.department')}</th>
          {showInstitution && <th>{t('rating.name')}</th>}
          {th('ringFundShare', t('rating.ringShare'), true)}
          <th className="num">{t('rating.coverage')}</th>
        </tr>
      </thead>
      <tbody>
        {page.items.map((r) => (
          <tr key={r.code} data-code={r.code} data-score={r.score ?? ''} data-band={r.band ?? 'none'}>
            <td className="num">{r.score === null ? '—' : f.num(r.score, 1)}</td>
            <td>
              <BandBadge band={r.band} />
            </td>
            <td className="nowrap">
              <Link to={`/doctors/${encodeURIComponent(r.code)}?period=${encodeURIComponent(r.period)}`} data-testid="doctor-link">
                {r.name ?? r.code}
              </Link>{' '}
              <span className="muted small">{r.code}</span>
            </td>
            <td className="nowrap">{r.department ?? '—'}</td>
            {showInstitution && (
              <td>{r.institutionCode ? <Link to={`/institutions/${encodeURIComponent(r.institutionCode)}?period=${encodeURIComponent(r.period)}`}>{r.institutionName ?? r.institutionCode}</Link> : '—'}</td>
            )}
            <td className="num">{r.ringFundShare === null ? '—' : `${f.num(r.ringFundShare * 100, 1)}%`}</td>
            <td className="num">{f.percent(r.coverage)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
