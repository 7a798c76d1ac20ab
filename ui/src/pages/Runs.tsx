import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client.ts';
import type { DetectionRun, Job, JobRef, Page, Report } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { can, useUser } from '../auth.tsx';
import { Async, ErrorBox } from '../components/States.tsx';
import { useFormat } from '../i18n/format.ts';

/** Detection runs first (what changed in each), a trigger for supervisors, and the job's progress. */
export function Runs() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser()!;
  const runs = useApi(() => api.get<Page<DetectionRun>>('/runs', { limit: 50 }), []);
  return (
    <section>
      <h1>{t('runs.title')}</h1>
      {can.triggerRun(user.role) && <TriggerRun onDone={runs.reload} />}
      <Async state={runs} empty={(p) => p.items.length === 0}>
        {(p) => (
          <table className="table" data-testid="runs-table">
            <thead>
              <tr>
                <th>{t('runs.started')}</th>
                <th>{t('runs.finished')}</th>
                <th className="num">{t('runs.claims')}</th>
                <th className="num">{t('runs.rings')}</th>
                <th className="num">{t('runs.new')}</th>
                <th className="num">{t('runs.grown')}</th>
                <th className="num">{t('runs.shrunk')}</th>
                <th className="num">{t('runs.dissolved')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {p.items.map((r) => (
                <tr key={r.runId}>
                  <td className="nowrap">{f.dateTime(r.startedAt)}</td>
                  <td className="nowrap">{f.dateTime(r.finishedAt)}</td>
                  <td className="num">{f.num(r.claimCount)}</td>
                  <td className="num">{f.num(r.ringCount)}</td>
                  <td className="num">{f.num(r.newRings)}</td>
                  <td className="num">{f.num(r.grownRings)}</td>
                  <td className="num">{f.num(r.shrunkRings)}</td>
                  <td className="num">{f.num(r.dissolvedRings)}</td>
                  <td>
                    <Link to={`/?run=${encodeURIComponent(r.runId)}`} className="mono small">
                      {r.runId}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
      <Reports />
    </section>
  );
}

/** What an investigator opens first: the readable page, then the printable, then the data. */
const FORMAT_ORDER: readonly Report['formats'][number][] = ['html', 'pdf', 'json'];

/** Scheduled reports: figures at a glance, the files (HTML opens in a tab, PDF and JSON download) and delivery status. */
export function Reports({ scheduleId, reloadKey = 0, title }: { scheduleId?: string; reloadKey?: number; title?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const reports = useApi(() => api.get<Page<Report>>('/reports', { limit: 30, scheduleId }), [scheduleId, reloadKey]);
  const [error, setError] = useState<Error | null>(null);
  async function open(r: Report, format: string) {
    setError(null);
    try {
      const blob = await api.download(`/reports/${encodeURIComponent(r.reportId)}/${format}`);
      const url = URL.createObjectURL(blob);
      if (format === 'html') window.open(url, '_blank', 'noopener');
      else {
        const a = document.createElement('a');
        a.href = url;
        a.download = `${r.reportId}.${format}`;
        a.click();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setError(e as Error);
    }
  }
  return (
    <>
      <h2>{title ?? t('runs.reports')}</h2>
      {error && <ErrorBox error={error} />}
      <Async state={reports} empty={(p) => p.items.length === 0} emptyText={t('runs.noReports')}>
        {(p) => (
          <table className="table" data-testid="reports-table">
            <thead>
              <tr>
                <th>{t('runs.report')}</th>
                <th>{t('runs.period')}</th>
                <th>{t('runs.readyAt')}</th>
                <th className="num">{t('runs.new')}</th>
                <th className="num">{t('runs.grown')}</th>
                <th className="num">{t('runs.shrunk')}</th>
                <th className="num">{t('runs.dissolved')}</th>
                <th className="num">{t('runs.fundAtRisk')}</th>
                <th>{t('runs.files')}</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((r) => (
                <tr key={r.reportId} data-report-id={r.reportId}>
                  <td>{r.title}</td>
                  <td className="nowrap mono small">{r.periodKey}</td>
                  <td className="nowrap">{r.status === 'ready' ? f.dateTime(r.readyAt) : t('runs.building')}</td>
                  <td className="num">{f.num(r.counts?.new ?? null)}</td>
                  <td className="num">{f.num(r.counts?.grown ?? null)}</td>
                  <td className="num">{f.num(r.counts?.shrunk ?? null)}</td>
                  <td className="num">{f.num(r.counts?.dissolved ?? null)}</td>
                  <td className="num nowrap">{f.money(r.fundAtRisk)}</td>
                  <td className="nowrap">
                    {FORMAT_ORDER.filter((format) => r.formats.includes(format)).map((format) => (
                      <button key={format} type="button" className="link" onClick={() => void open(r, format)} data-testid={`report-${format}`}>
                        {format.toUpperCase()}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
    </>
  );
}

function TriggerRun({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const [region, setRegion] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [job, setJob] = useState<Job | null>(null);
  const [ref, setRef] = useState<JobRef | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    if (!ref) return;
    let stop = false;
    const poll = async () => {
      while (!stop) {
        try {
          const j = await api.get<Job>(`/jobs/detect/${encodeURIComponent(ref.jobId)}`);
          if (stop) return;
          setJob(j);
          if (j.state === 'completed' || j.state === 'failed') {
            onDone();
            return;
          }
        } catch (e) {
          setError(e as Error);
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [ref, onDone]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setJob(null);
    try {
      setRef(await api.post<JobRef>('/runs', { ...(region.trim() ? { region: region.trim() } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) }));
    } catch (err) {
      setError(err as Error);
    }
  }

  const progress = job?.progress as { percent?: number; stage?: string; message?: string } | null | undefined;
  return (
    <form className="filters" onSubmit={submit}>
      <input placeholder={t('runs.region')} value={region} onChange={(e) => setRegion(e.target.value)} size={12} />
      <label>
        {t('runs.since')} <input type="date" value={since} onChange={(e) => setSince(e.target.value)} />
      </label>
      <label>
        {t('runs.until')} <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={!!ref && !!job && job.state !== 'completed' && job.state !== 'failed'} data-testid="trigger-run">
        {t('runs.trigger')}
      </button>
      {ref && (
        <span className="job-progress" data-testid="run-progress">
          {t('runs.job', { jobId: ref.jobId, state: t(`jobState.${job?.state ?? 'waiting'}`, { defaultValue: t('jobState.unknown') }) })}
          {progress?.percent !== undefined && (
            <>
              {' '}
              <progress max={100} value={progress.percent} /> {Math.round(progress.percent)}% {progress.stage ?? ''}
            </>
          )}
          {job?.failedReason && (
            <span className="error-text" data-detail={job.failedReason}>
              {' '}
              {t('errors.jobFailed')}
            </span>
          )}
        </span>
      )}
      {error && <ErrorBox error={error} />}
    </form>
  );
}
