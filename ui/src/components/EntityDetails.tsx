import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client.ts';
import type { Claim, ClaimTimeline, EntityProfile, EntityType, Page } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { factLabel, factValue } from '../i18n/facts.ts';
import { useFormat } from '../i18n/format.ts';
import { ClaimsTable } from './ClaimsTable.tsx';
import { Async } from './States.tsx';
import { ClaimTimelineView } from './ClaimTimelineView.tsx';

/** The claims table shows the latest page; the timeline is aggregated over all claims on the server. */
const CLAIMS_PAGE = 200;

/** An entity's profile, claims table and timeline: the side panel and the profile page share it. */
export function EntityDetails({ type, entityKey, compact }: { type: EntityType; entityKey: string; compact?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const profile = useApi(() => api.get<EntityProfile>(`/entities/${type}/${encodeURIComponent(entityKey)}`), [type, entityKey]);
  const claims = useApi(() => api.get<Page<Claim>>(`/entities/${type}/${encodeURIComponent(entityKey)}/claims`, { limit: CLAIMS_PAGE }), [type, entityKey]);
  const timeline = useApi(() => api.get<ClaimTimeline>(`/entities/${type}/${encodeURIComponent(entityKey)}/timeline`), [type, entityKey]);
  return (
    <div className="entity-details" data-testid="entity-details">
      <Async state={profile}>
        {(p) => (
          <>
            <h3>{t('entity.facts')}</h3>
            <dl className="facts">
              {Object.entries(p.facts)
                .filter(([, v]) => v !== null && v !== '')
                .slice(0, compact ? 10 : 40)
                .map(([k, v]) => (
                  <div key={k}>
                    <dt>{factLabel(t, type, k)}</dt>
                    <dd>{factValue(t, k, v)}</dd>
                  </div>
                ))}
              {p.holder && (
                <div>
                  <dt>{t('fact.holder')}</dt>
                  <dd>
                    {p.holder.name} {p.holder.idNumber}
                  </dd>
                </div>
              )}
              {p.institution && (
                <div>
                  <dt>{t('fact.institution')}</dt>
                  <dd>
                    <Link to={`/entities/institution/${encodeURIComponent(p.institution.code)}`}>{p.institution.name ?? p.institution.code}</Link>
                  </dd>
                </div>
              )}
            </dl>
            <h3>{t('entity.stats')}</h3>
            <div className="stat-row">
              <span>
                {t('ws.claims', { count: p.stats.claims })} · {f.money(p.stats.fundPaid)}
              </span>
              <span className="muted">
                {f.date(p.stats.first)} – {f.date(p.stats.last)}
              </span>
            </div>
            {p.rings.length > 0 && (
              <>
                <h3>{t('entity.rings')}</h3>
                <ul className="plain">
                  {p.rings.map((r) => (
                    <li key={r.ringId}>
                      <Link to={`/rings/${encodeURIComponent(r.ringId)}`}>{t(`family.${r.family}`, { defaultValue: r.family })}</Link> · {f.num(r.score, 1)} · {t(`memberRole.${r.role}`, { defaultValue: r.role })}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </Async>
      <h3>{t('entity.timeline')}</h3>
      <Async state={timeline}>{(tl) => <ClaimTimelineView data={tl} compact={compact} />}</Async>
      <Async state={claims}>
        {(page) => (
          <>
            <h3>
              {t('entity.claims')} <span className="muted small">{page.nextCursor ? t('entity.latestClaims', { count: page.items.length }) : ''}</span>
            </h3>
            <ClaimsTable claims={page.items} max={compact ? 30 : 200} compact={compact} />
          </>
        )}
      </Async>
    </div>
  );
}
