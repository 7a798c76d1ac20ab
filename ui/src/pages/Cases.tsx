import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { Case, CaseStatus, Page } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { can, useUser } from '../auth.tsx';
import { AssigneePicker } from '../components/AssigneePicker.tsx';
import { PersonName } from '../components/PersonName.tsx';
import { Async, ErrorBox } from '../components/States.tsx';
import { useFormat } from '../i18n/format.ts';

const OPEN: CaseStatus[] = ['new', 'investigating', 'confirmed', 'dismissed', 'referred'];
const ALL: CaseStatus[] = [...OPEN, 'closed'];

/**
 * A person's day starts here: "my cases" (assigned to me) and the team queue (every case still being
 * worked, who holds it, which are overdue or unassigned). Supervisors assign from the team queue
 * with the same picker as on the ring page.
 */
export function Cases() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser()!;
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'team' || (!params.get('view') && user.role !== 'investigator') ? 'team' : 'mine';
  const [showClosed, setShowClosed] = useState(false);
  const [onlyUnassigned, setOnlyUnassigned] = useState(false);
  const [onlyOverdue, setOnlyOverdue] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const cases = useApi(
    () => api.get<Page<Case>>('/cases', { status: (showClosed ? ALL : OPEN).join(','), limit: 200, ...(view === 'mine' ? { assignee: user.username } : {}) }),
    [view, showClosed, user.username],
  );
  async function assign(c: Case, assignee: string) {
    setError(null);
    try {
      await api.post(`/cases/${encodeURIComponent(c.caseId)}/assign`, { assignee: assignee || null });
      cases.reload();
    } catch (e) {
      setError(e as Error);
    }
  }
  return (
    <section>
      <h1>{t('cases.title')}</h1>
      <div className="filters">
        <div className="tabs" role="tablist">
          {(['mine', 'team'] as const).map((v) => (
            <button key={v} type="button" role="tab" aria-selected={view === v} className={view === v ? 'tab active' : 'tab'} onClick={() => setParams({ view: v })} data-testid={`cases-${v}`}>
              {t(`cases.${v}`)}
            </button>
          ))}
        </div>
        <label className="chip">
          <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} /> {t('cases.showClosed')}
        </label>
        {view === 'team' && (
          <label className="chip">
            <input type="checkbox" checked={onlyUnassigned} onChange={(e) => setOnlyUnassigned(e.target.checked)} data-testid="only-unassigned" /> {t('cases.onlyUnassigned')}
          </label>
        )}
        <label className="chip" title={t('cases.overdueHelp')}>
          <input type="checkbox" checked={onlyOverdue} onChange={(e) => setOnlyOverdue(e.target.checked)} data-testid="only-overdue" /> {t('cases.onlyOverdue')}
        </label>
      </div>
      {error && <ErrorBox error={error} />}
      <Async state={cases}>
        {(p) => {
          const rows = p.items.filter((c) => (!onlyUnassigned || !c.assignee) && (!onlyOverdue || c.overdue));
          if (rows.length === 0) return <div className="state state-empty" data-testid="cases-empty">{t('cases.none')}</div>;
          return (
            <>
              <div className="muted small" data-testid="cases-count">
                {t('cases.count', { count: rows.length })}
              </div>
              <table className="table" data-testid={`cases-table-${view}`}>
                <thead>
                  <tr>
                    <th>{t('cases.col.case')}</th>
                    <th>{t('cases.col.family')}</th>
                    <th className="num">{t('cases.col.score')}</th>
                    <th className="num">{t('cases.col.money')}</th>
                    <th>{t('cases.col.status')}</th>
                    <th>{t('cases.col.assignee')}</th>
                    <th>{t('cases.col.opened')}</th>
                    <th>{t('cases.col.updated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((c) => (
                    <tr key={c.caseId} data-testid="case-row" data-case-id={c.caseId} data-assignee={c.assignee ?? ''}>
                      <td>
                        <Link to={`/rings/${encodeURIComponent(c.ring.ringId)}`}>{c.title}</Link>
                        <div className="muted small mono">{c.caseId}</div>
                      </td>
                      <td className="nowrap">{t(`family.${c.ring.family}`, { defaultValue: c.ring.family })}</td>
                      <td className="num">{f.num(c.ring.score, 1)}</td>
                      <td className="num nowrap">{f.money(c.ring.fundPaid)}</td>
                      <td className="nowrap">
                        <span className={`badge case-${c.status}`}>{t(`caseStatus.${c.status}`)}</span>
                        {c.overdue && (
                          <span className="badge badge-warn" title={t('cases.overdueHelp')} data-testid="overdue-badge">
                            {t('cases.overdue')}
                          </span>
                        )}
                      </td>
                      <td className="nowrap">
                        {view === 'team' && can.assignCase(user.role) && c.status !== 'closed' ? (
                          <AssigneePicker value={c.assignee ?? ''} onChange={(u) => void assign(c, u)} testId="row-assignee" />
                        ) : (
                          (c.assignee ? <PersonName name={c.assigneeName} username={c.assignee} testId="case-assignee" /> : <span className="muted">{t('case.unassigned')}</span>)
                        )}
                      </td>
                      <td className="nowrap">{f.dateTime(c.createdAt)}</td>
                      <td className="nowrap">{f.dateTime(c.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </Async>
    </section>
  );
}
