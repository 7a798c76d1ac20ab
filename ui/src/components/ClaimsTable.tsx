import { useTranslation } from 'react-i18next';
import type { Claim } from '../api/types.ts';
import { useFormat } from '../i18n/format.ts';
import { Empty } from './States.tsx';

/** Claims newest first; compact (side panel) keeps date, institution and money only. */
export function ClaimsTable({ claims, max = 50, compact = false }: { claims: Claim[]; max?: number; compact?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (claims.length === 0) return <Empty />;
  return (
    <div className="table-scroll">
      <table className="table compact" data-testid="claims-table">
        <thead>
          <tr>
            <th>{t('claim.settledAt')}</th>
            {!compact && <th>{t('claim.kind')}</th>}
            <th>{t('claim.institution')}</th>
            {!compact && <th>{t('claim.recipient')}</th>}
            {!compact && <th>{t('claim.diagnosis')}</th>}
            {!compact && <th className="num">{t('claim.total')}</th>}
            <th className="num">{t('claim.fundPaid')}</th>
          </tr>
        </thead>
        <tbody>
          {claims.slice(0, max).map((c) => (
            <tr key={c.claimId} title={c.claimId}>
              <td className="nowrap">{compact ? f.date(c.settledAt) : f.dateTime(c.settledAt)}</td>
              {!compact && <td>{c.kind ? t(`claimKind.${c.kind}`, { defaultValue: c.kind }) : '—'}</td>}
              <td>
                {c.institution?.name ?? c.institution?.code ?? '—'}
                {compact && c.kind && <span className="muted"> · {t(`claimKind.${c.kind}`, { defaultValue: c.kind })}</span>}
              </td>
              {!compact && <td>{c.recipient?.name ?? c.holder?.name ?? '—'}</td>}
              {!compact && <td>{c.diagnosisName ?? c.diagnosisCode ?? '—'}</td>}
              {!compact && <td className="num">{f.money(c.total)}</td>}
              <td className="num">{f.money(c.fundPaid)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
