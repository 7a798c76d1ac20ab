import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Claim, Page, RingDetail } from '../api/types.ts';
import type { Loaded } from '../api/use-api.ts';
import { currentLang } from '../i18n/index.ts';
import { useFormat } from '../i18n/format.ts';
import { Async, Empty } from '../components/States.tsx';

/** The ring page's tabs beside the graph: members with why each holds its role, and the ring's claims. */

const ENTITY_ORDER = ['person', 'card', 'doctor', 'institution'];

export function MembersTab({ ring, onPick }: { ring: RingDetail; onPick(type: string, key: string): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = currentLang();
  const members = [...ring.members].sort((a, b) => ENTITY_ORDER.indexOf(a.type) - ENTITY_ORDER.indexOf(b.type) || (b.basis?.facts.claims ?? 0) - (a.basis?.facts.claims ?? 0));
  return (
    <div className="table-scroll tab-body">
      <table className="table compact" data-testid="members-table">
        <thead>
          <tr>
            <th>{t('members.type')}</th>
            <th>{t('members.name')}</th>
            <th>{t('members.key')}</th>
            <th>{t('members.role')}</th>
            <th className="num">{t('members.claims')}</th>
            <th className="num">{t('members.money')}</th>
            <th>{t('members.why')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={`${m.type}:${m.key}`} className="clickable" onClick={() => onPick(m.type, m.key)} data-testid="member-row" data-role={m.role} data-type={m.type}>
              <td>{t(`nodeType.${m.type}`)}</td>
              <td>{m.type === 'card' ? '—' : m.label}</td>
              <td className="mono small">{m.key}</td>
              <td>{t(`memberRole.${m.role}`, { defaultValue: t('memberRole.member') })}</td>
              <td className="num">{m.basis?.facts.claims !== undefined ? f.num(m.basis.facts.claims) : '—'}</td>
              <td className="num">{m.basis?.facts.fundPaid !== undefined ? f.money(m.basis.facts.fundPaid) : '—'}</td>
              <td className="small" data-testid="member-why">{m.basis ? m.basis[lang] : t('members.noRole')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** An entity reference "type:key" touched by a claim (card, holder, recipient, institution, doctors). */
export function claimTouches(c: Claim): string[] {
  return [
    c.cardNo ? `card:${c.cardNo}` : null,
    c.holder ? `person:${c.holder.idNumber}` : null,
    c.recipient ? `person:${c.recipient.idNumber}` : null,
    c.institution ? `institution:${c.institution.code}` : null,
    c.doctorCode ? `doctor:${c.doctorCode}` : null,
    c.prescriberCode ? `doctor:${c.prescriberCode}` : null,
  ].filter((x): x is string => !!x);
}

type SortKey = 'settledAt' | 'total' | 'fundPaid' | 'institution' | 'kind';
/**
 * The first page is small so the tab has rows on screen quickly (on the 1M-claim dataset a ring of 705
 * claims took 1.4 s to show anything when the tab waited for two 500-claim pages; bench/README.md);
 * the rest follows in large pages while the investigator reads.
 */
const FIRST_PAGE = 100;
/** the API's largest ring-claims page (api/schemas/claims.ts RingClaimQuery) */
const PAGE = 2000;
/** Rings larger than this are paged (load more); filters by evidence and period apply to what is loaded. */
const MAX_AUTO = 5000;

/** Claims in Beijing time: a period key (YYYY-MM, YYYY-MM-DD) or an hour. */
const beijing = (iso: string | null) => (iso ? new Date(Date.parse(iso) + 8 * 3600_000).toISOString() : '');
export function inPeriod(c: Claim, period: { grain: 'month' | 'day' | 'hour'; key: string } | null): boolean {
  if (!period) return true;
  const b = beijing(c.settledAt);
  if (period.grain === 'hour') return Number(b.slice(11, 13)) === Number(period.key);
  return b.startsWith(period.key);
}

export interface RingClaims {
  items: Claim[];
  /** the cursor past the last loaded claim when loading stopped at MAX_AUTO */
  more: string | null;
  /** false while further pages are on their way (what is shown, filtered and exported is what has arrived) */
  complete: boolean;
}

/** The ring's claims, page by page: `data` is there from the first page on and grows until `complete`. */
export function useRingClaims(ringId: string): Loaded<RingClaims> {
  const [data, setData] = useState<RingClaims>();
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setData(undefined);
    setError(undefined);
    void (async () => {
      const items: Claim[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Claim> = await api.get<Page<Claim>>(`/rings/${encodeURIComponent(ringId)}/claims`, { limit: items.length ? PAGE : FIRST_PAGE, ...(cursor ? { cursor } : {}) });
        if (mine !== seq.current) return;
        items.push(...page.items);
        cursor = page.nextCursor;
        const complete = !cursor || items.length >= MAX_AUTO;
        setData({ items: [...items], more: complete ? cursor : null, complete });
      } while (cursor && items.length < MAX_AUTO);
    })().catch((e: unknown) => {
      if (mine === seq.current) setError(e instanceof Error ? e : new Error(String(e)));
    });
  }, [ringId, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading: !error && !data?.complete, reload, set: setData };
}

export function ClaimsTab({ claims, total, filter, onClearFilter }: {
  claims: ReturnType<typeof useRingClaims>;
  total: number;
  filter: { label: string; entities: Set<string> | null; claimIds?: Set<string> | null; period: { grain: 'month' | 'day' | 'hour'; key: string } | null } | null;
  onClearFilter(): void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'settledAt', desc: true });
  const [kind, setKind] = useState('');
  return (
    <Async state={claims}>
      {(data) => {
        // Computed each render (a few thousand rows at most): no hook inside this callback.
        const rows = (() => {
          const list = data.items.filter((c) => (!kind || c.kind === kind) && (!filter?.entities || claimTouches(c).some((e) => filter.entities!.has(e))) && (!filter?.claimIds || filter.claimIds.has(c.claimId)) && inPeriod(c, filter?.period ?? null));
          const val = (c: Claim): string | number => (sort.key === 'institution' ? (c.institution?.name ?? '') : sort.key === 'kind' ? (c.kind ?? '') : sort.key === 'settledAt' ? (c.settledAt ?? '') : (c[sort.key] ?? 0));
          return list.sort((a, b) => (val(a) < val(b) ? -1 : val(a) > val(b) ? 1 : 0) * (sort.desc ? -1 : 1));
        })();
        const head = (key: SortKey, label: string, num = false) => (
          <th className={`sortable ${num ? 'num' : ''}`} onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : true })}>
            {label}
            {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
          </th>
        );
        const exportCsv = () => {
          const esc = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;
          const lines = [[t('claim.id'), t('claim.settledAt'), t('claim.kind'), t('claim.institution'), t('claim.card'), t('claim.recipient'), t('claim.diagnosis'), t('claim.total'), t('claim.fundPaid')].map(esc).join(',')];
          for (const c of rows) lines.push([c.claimId, f.dateTime(c.settledAt), c.kind ? t(`claimKind.${c.kind}`) : '', c.institution?.name ?? c.institution?.code ?? '', c.cardNo ?? '', c.recipient?.name ?? c.holder?.name ?? '', c.diagnosisName ?? c.diagnosisCode ?? '', c.total ?? '', c.fundPaid ?? ''].map(esc).join(','));
          const a = document.createElement('a');
          a.href = URL.createObjectURL(new Blob(['\ufeff' + lines.join('\r\n')], { type: 'text/csv;charset=utf-8' }));
          a.download = 'ring-claims.csv';
          a.click();
          setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
        };
        return (
          <div className="tab-body">
            <div className="row small">
              <span data-testid="claims-count" data-complete={data.complete ? 'true' : 'false'}>
                {t('claimsTab.count', { shown: rows.length, loaded: data.items.length, total })}
              </span>
              {!data.complete && (
                <span className="muted" data-testid="claims-loading">
                  {t('claimsTab.loadingMore')}
                </span>
              )}
              {filter && (
                <span className="badge badge-warn" data-testid="claims-filter">
                  {filter.label}{' '}
                  <button type="button" className="link" onClick={onClearFilter}>
                    ✕
                  </button>
                </span>
              )}
              <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label={t('claim.kind')}>
                <option value="">{t('claimsTab.allKinds')}</option>
                {(['outpatient', 'inpatient', 'pharmacy'] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`claimKind.${k}`)}
                  </option>
                ))}
              </select>
              <button type="button" onClick={exportCsv} disabled={!data.complete} data-testid="claims-export">
                {t('claimsTab.export')}
              </button>
              {data.more && <span className="muted">{t('claimsTab.capped', { count: data.items.length })}</span>}
            </div>
            {rows.length === 0 ? (
              <Empty />
            ) : (
              <div className="table-scroll">
                <table className="table compact" data-testid="ring-claims-table">
                  <thead>
                    <tr>
                      {head('settledAt', t('claim.settledAt'))}
                      {head('kind', t('claim.kind'))}
                      {head('institution', t('claim.institution'))}
                      <th>{t('claim.card')}</th>
                      <th>{t('claim.recipient')}</th>
                      <th>{t('claim.diagnosis')}</th>
                      {head('total', t('claim.total'), true)}
                      {head('fundPaid', t('claim.fundPaid'), true)}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.slice(0, 1000).map((c) => (
                      <tr key={c.claimId} title={c.claimId} data-testid="ring-claim-row">
                        <td className="nowrap">{f.dateTime(c.settledAt)}</td>
                        <td>{c.kind ? t(`claimKind.${c.kind}`, { defaultValue: '—' }) : '—'}</td>
                        <td>{c.institution?.name ?? c.institution?.code ?? '—'}</td>
                        <td className="mono small">{c.cardNo ?? '—'}</td>
                        <td>{c.recipient?.name ?? c.holder?.name ?? '—'}</td>
                        <td>{c.diagnosisName ?? c.diagnosisCode ?? '—'}</td>
                        <td className="num">{f.money(c.total)}</td>
                        <td className="num">{f.money(c.fundPaid)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        );
      }}
    </Async>
  );
}
