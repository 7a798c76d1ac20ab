import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Schedule } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Async, ErrorBox } from '../components/States.tsx';
import { useFormat } from '../i18n/format.ts';
import { Reports } from './Runs.tsx';

/**
 * The supervisor's reports page: every schedule with its next run and a "run now" (a period already
 * reported is not reported twice: the server says which report the run builds), and the history of
 * reports — all, or one schedule's — with their files.
 */
export function Schedules() {
  const { t } = useTranslation();
  const f = useFormat();
  const schedules = useApi(() => api.get<{ items: Schedule[] }>('/schedules'), []);
  const [picked, setPicked] = useState<string>('');
  const [queued, setQueued] = useState<{ scheduleId: string; reportId: string } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);

  // While a report is being built, the history is read again every 2 s until it is there.
  useEffect(() => {
    if (!queued) return;
    let stop = false;
    const poll = async () => {
      for (let k = 0; k < 90 && !stop; k++) {
        await new Promise((r) => setTimeout(r, 2000));
        if (stop) return;
        try {
          const r = await api.get<{ status: string }>(`/reports/${encodeURIComponent(queued.reportId)}`);
          if (r.status === 'ready') {
            setTick((x) => x + 1);
            return;
          }
        } catch {
          // not stored yet (404): keep waiting
        }
      }
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [queued]);

  async function runNow(s: Schedule) {
    setError(null);
    try {
      const r = await api.post<{ reportId: string; scheduleId: string }>(`/schedules/${encodeURIComponent(s.id)}/run`, {});
      setQueued({ scheduleId: r.scheduleId, reportId: r.reportId });
      setPicked(s.id);
      setTick((x) => x + 1);
    } catch (e) {
      setError(e as Error);
    }
  }

  return (
    <section>
      <h1>{t('schedules.title')}</h1>
      <h2>{t('schedules.schedules')}</h2>
      {error && <ErrorBox error={error} />}
      <Async state={schedules} empty={(p) => p.items.length === 0} emptyText={t('schedules.none')}>
        {(p) => (
          <table className="table" data-testid="schedules-table">
            <thead>
              <tr>
                <th>{t('runs.report')}</th>
                <th>{t('schedules.period')}</th>
                <th>{t('schedules.cron')}</th>
                <th>{t('schedules.nextRun')}</th>
                <th>{t('schedules.deliveries')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {p.items.map((s) => (
                <tr key={s.id} data-schedule-id={s.id} className={picked === s.id ? 'selected' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => setPicked(picked === s.id ? '' : s.id)} data-testid="schedule-history">
                      {s.title}
                    </button>
                    <div className="muted small">{t(`schedules.kind.${s.kind}`)}</div>
                  </td>
                  <td className="nowrap">{t(`schedules.unit.${s.period}`, { defaultValue: s.period })}</td>
                  <td className="nowrap mono small">
                    {s.cron} <span className="muted">{s.tz}</span>
                  </td>
                  <td className="nowrap">{s.enabled ? f.dateTime(s.nextRunAt) : <span className="muted">{t('schedules.disabled')}</span>}</td>
                  <td className="small">{[...s.delivery.webhooks.map((w) => w.url), ...(s.delivery.email?.to ?? [])].join('、') || '—'}</td>
                  <td className="nowrap">
                    <button type="button" onClick={() => void runNow(s)} data-testid="schedule-run-now">
                      {t('schedules.runNow')}
                    </button>
                    {queued?.scheduleId === s.id && (
                      <div className="muted small" data-testid="schedule-queued">
                        {t('schedules.queued', { reportId: queued.reportId })}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
      <Reports scheduleId={picked || undefined} reloadKey={tick} title={picked ? `${t('schedules.history')} · ${schedules.data?.items.find((s) => s.id === picked)?.title ?? picked}` : `${t('schedules.history')} · ${t('schedules.all')}`} />
    </section>
  );
}
