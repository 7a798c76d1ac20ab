import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client.ts';
import type { Case, CaseDetail, CaseStatus, ExportRef, ExportStatus, RingDetail, VerdictLabelDef } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { can, useUser } from '../auth.tsx';
import { currentLang } from '../i18n/index.ts';
import { useFormat } from '../i18n/format.ts';
import { AssigneePicker } from './AssigneePicker.tsx';
import { PersonName, personText } from './PersonName.tsx';
import { Async, ErrorBox } from './States.tsx';

/** Case actions on a ring: open, assign, move through the workflow with a verdict, notes, export package. */
export function CasePanel({ ring, onChanged }: { ring: RingDetail; onChanged(): void }) {
  const { t } = useTranslation();
  const user = useUser()!;
  const [error, setError] = useState<Error | null>(null);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const caseId = ring.openCase?.caseId ?? ring.cases.at(-1)?.caseId ?? null;

  async function create() {
    setBusy(true);
    setError(null);
    try {
      await api.post<Case>('/cases', { ringId: ring.ringId, ...(title.trim() ? { title: title.trim() } : {}) });
      onChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel case-panel" data-testid="case-panel">
      <h2>{t('case.title')}</h2>
      {error && <ErrorBox error={error} />}
      {caseId ? (
        <CaseView caseId={caseId} onChanged={onChanged} />
      ) : (
        <>
          <p className="muted">{t('case.none')}</p>
          {can.createCase(user.role) && (
            <div className="row">
              <input placeholder={t('case.createTitle')} value={title} onChange={(e) => setTitle(e.target.value)} />
              <button type="button" className="primary" disabled={busy} onClick={() => void create()} data-testid="create-case">
                {t('case.create')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function CaseView({ caseId, onChanged }: { caseId: string; onChanged(): void }) {
  const state = useApi(() => api.get<CaseDetail>(`/cases/${encodeURIComponent(caseId)}`), [caseId]);
  return <Async state={state}>{(c) => <CaseBody c={c} onChanged={(next) => { state.set(next); onChanged(); }} />}</Async>;
}

function CaseBody({ c, onChanged }: { c: CaseDetail; onChanged(next: CaseDetail): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser()!;
  const [note, setNote] = useState('');
  // Verdict labels: picked from the bureau's list (config/verdict-labels.yaml), plus free text in any language.
  const pickList = useApi(() => api.get<{ items: VerdictLabelDef[] }>('/verdict-labels'), []);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [labels, setLabels] = useState('');
  const lang = currentLang();
  const labelName = (code: string) => {
    const def = pickList.data?.items.find((l) => l.code === code);
    return def ? def[lang] : code;
  };
  const labelsFor = (to: CaseStatus) => {
    const verdict = to === 'confirmed' ? 'fraud' : 'false-positive';
    const codes = (pickList.data?.items ?? []).filter((l) => picked.has(l.code) && l.verdicts.includes(verdict)).map((l) => l.code);
    return [...codes, ...labels.split(/[,，、]/).map((s) => s.trim()).filter(Boolean)];
  };
  const [assignee, setAssignee] = useState(c.assignee ?? '');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  // Kept as a translation key, so the progress line follows a language switch.
  const [exporting, setExporting] = useState<{ key: 'case.exporting' | 'case.exportReady'; state?: string } | null>(null);

  async function act(f: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await f();
      // The action answers with the case; the detail (with history) is read again so the log shows the change.
      onChanged(await api.get<CaseDetail>(`/cases/${encodeURIComponent(c.caseId)}`));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }

  const move = (to: CaseStatus) =>
    act(() =>
      api.post<Case>(`/cases/${encodeURIComponent(c.caseId)}/transitions`, {
        to,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...((to === 'confirmed' || to === 'dismissed') && labelsFor(to).length ? { labels: labelsFor(to) } : {}),
      }).then(() => {
        setNote('');
        setLabels('');
        setPicked(new Set());
      }),
    );

  async function exportPackage() {
    setError(null);
    setExporting({ key: 'case.exporting', state: '' });
    try {
      const ref = await api.post<ExportRef>(`/cases/${encodeURIComponent(c.caseId)}/exports`, { lang: currentLang() });
      let job: ExportStatus;
      for (;;) {
        job = await api.get<ExportStatus>(`/exports/${encodeURIComponent(ref.exportId)}`);
        const percent = (job.progress as { percent?: number } | null)?.percent;
        const state = t(`jobState.${job.state}`, { defaultValue: t('jobState.unknown') });
        setExporting({ key: 'case.exporting', state: percent === undefined ? state : `${state} ${percent}%` });
        if (job.state === 'completed') break;
        if (job.state === 'failed') throw new ApiError(500, job.failedReason ?? 'export failed');
        await new Promise((r) => setTimeout(r, 1000));
      }
      const blob = await api.download(`/exports/${encodeURIComponent(ref.exportId)}/download`);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      // the package is named by its case number, as the liaison will file it
      a.download = `${job.result?.caseNumber ?? c.caseId}.zip`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      setExporting({ key: 'case.exportReady' });
    } catch (e) {
      setExporting(null);
      setError(e as Error);
    }
  }

  const decisive = c.allowedTransitions.filter((s) => s === 'confirmed' || s === 'dismissed');
  const others = c.allowedTransitions.filter((s) => s !== 'confirmed' && s !== 'dismissed');
  return (
    <div data-testid="case-view" data-case-id={c.caseId} data-case-status={c.status}>
      <div className="case-head">
        <strong>{c.title}</strong>
        <span className={`badge case-${c.status}`} data-testid="case-status">
          {t(`caseStatus.${c.status}`)}
        </span>
        {c.verdict && <span className="badge">{t(`verdict.${c.verdict}`, { defaultValue: c.verdict })}</span>}
      </div>
      <div className="muted small">
        {c.caseId} · {t('case.assignee')}: {c.assignee ? <PersonName name={c.assigneeName} username={c.assignee} testId="case-assignee" /> : t('case.unassigned')}
      </div>
      {error && <ErrorBox error={error} />}
      {can.assignCase(user.role) && (
        <div className="row">
          <AssigneePicker value={assignee} onChange={setAssignee} />
          <button type="button" disabled={busy || assignee === (c.assignee ?? '')} onClick={() => void act(() => api.post(`/cases/${encodeURIComponent(c.caseId)}/assign`, { assignee: assignee || null }))} data-testid="assign-case">
            {t('case.assign')}
          </button>
        </div>
      )}
      {c.allowedTransitions.length > 0 && (
        <div className="actions">
          {others.map((s) => (
            <button key={s} type="button" disabled={busy} onClick={() => void move(s)} data-testid={`move-${s}`}>
              {t('case.to', { status: t(`caseStatus.${s}`) })}
            </button>
          ))}
          {decisive.length > 0 && (
            <>
              <fieldset className="label-picker" data-testid="verdict-labels">
                <legend className="small">{t('case.labelsPick')}</legend>
                {(pickList.data?.items ?? []).map((l) => (
                  <label key={l.code} className="chip small" title={l.verdicts.map((v) => t(`verdict.${v}`)).join(' / ')}>
                    <input
                      type="checkbox"
                      value={l.code}
                      checked={picked.has(l.code)}
                      onChange={(e) => {
                        const next = new Set(picked);
                        if (e.target.checked) next.add(l.code);
                        else next.delete(l.code);
                        setPicked(next);
                      }}
                    />
                    {l[lang]}
                  </label>
                ))}
                <input placeholder={t('case.labels')} value={labels} onChange={(e) => setLabels(e.target.value)} data-testid="verdict-label-text" />
              </fieldset>
              {decisive.includes('confirmed') && (
                <button type="button" className="danger" disabled={busy} onClick={() => void move('confirmed')} data-testid="move-confirmed">
                  {t('case.confirmTp')}
                </button>
              )}
              {decisive.includes('dismissed') && (
                <button type="button" disabled={busy} onClick={() => void move('dismissed')} data-testid="move-dismissed">
                  {t('case.dismissFp')}
                </button>
              )}
            </>
          )}
        </div>
      )}
      {can.noteCase(user.role) && (
        <div className="row">
          <textarea placeholder={t('case.note')} value={note} onChange={(e) => setNote(e.target.value)} rows={2} data-testid="case-note" />
          <button type="button" disabled={busy || !note.trim()} onClick={() => void act(() => api.post(`/cases/${encodeURIComponent(c.caseId)}/notes`, { note: note.trim() }).then(() => setNote('')))} data-testid="add-note">
            {t('case.addNote')}
          </button>
        </div>
      )}
      {can.exportCase(user.role) && (
        <div className="row">
          <button type="button" onClick={() => void exportPackage()} disabled={!!exporting && exporting.key !== 'case.exportReady'} data-testid="export-package">
            {t('case.export')}
          </button>
          {exporting && <span className="muted small">{t(exporting.key, { state: exporting.state })}</span>}
        </div>
      )}
      <h3>{t('case.history')}</h3>
      <ol className="history" data-testid="case-history">
        {[...c.history].reverse().map((e) => (
          <li key={e.eventId}>
            <span className="muted small">{f.dateTime(e.at)}</span> <strong>
              <PersonName name={e.actorName} username={e.actor} testId="event-actor" />
            </strong>{' '}
            {t(`case.event.${e.kind}`, { assignee: e.assignee ? personText(e.assigneeName, e.assignee, currentLang()) : t('case.unassigned'), from: e.from ? t(`caseStatus.${e.from}`) : '', to: e.to ? t(`caseStatus.${e.to}`) : '' })}
            {e.labels.length > 0 && <span className="muted" data-testid="event-labels"> [{e.labels.map(labelName).join(t('case.labelSeparator'))}]</span>}
            {e.note && <div className="note">{e.note}</div>}
          </li>
        ))}
      </ol>
    </div>
  );
}
