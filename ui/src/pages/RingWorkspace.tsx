import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/client.ts';
import { ENTITY_TYPES, type ClaimTimeline, type EntityType, type Evidence, type CaseView, type GraphEdge, type GraphNode, type Neighbourhood, type RingDetail, type RingGraph } from '../api/types.ts';
import { ClaimTimelineView } from '../components/ClaimTimelineView.tsx';
import { ClaimsTab, claimTouches, inPeriod, MembersTab, useRingClaims } from './RingTabs.tsx';
import { useApi } from '../api/use-api.ts';
import { can, useUser } from '../auth.tsx';
import { ChangeBadge } from '../components/badges.tsx';
import { CasePanel } from '../components/CasePanel.tsx';
import { personText } from '../components/PersonName.tsx';
import { EntityDetails } from '../components/EntityDetails.tsx';
import { Async, Empty, ErrorBox, Loading } from '../components/States.tsx';
import { createModel, mergeIntoModel, type NodeAttrs, type RingGraphModel } from '../graph/build.ts';
import { GraphView, type Highlight } from '../graph/GraphView.tsx';
import { factLabel, factValue } from '../i18n/facts.ts';
import { currentLang } from '../i18n/index.ts';
import { useFormat } from '../i18n/format.ts';

/** Nodes are capped by the API at 2,000; claims folded into edges at 10,000. */
const GRAPH_QUERY = { maxNodes: 2000, maxClaims: 10000 };
const EXPAND_LIMIT = 100;
/** The API's cap for one expansion. */
const MAX_EXPAND = 1000;
/** The longest connection the shortest-path search looks for (the API allows up to 10). */
const PATH_HOPS = 6;

const TABS = ['graph', 'members', 'claims', 'timeline'] as const;
type Tab = (typeof TABS)[number];
interface ClaimFilter {
  label: string;
  entities: Set<string> | null;
  /** exactly these claims (an evidence sentence that counts specific ones) */
  claimIds?: Set<string> | null;
  period: { grain: 'month' | 'day' | 'hour'; key: string } | null;
  /** the evidence sentence it came from; -1 for the time brush */
  index: number;
}

export function RingWorkspace() {
  const { ringId = '' } = useParams();
  const { t } = useTranslation();
  const fmt = useFormat();
  const user = useUser()!;
  const ring = useApi(() => api.get<RingDetail>(`/rings/${encodeURIComponent(ringId)}`), [ringId]);
  const graph = useApi(() => api.get<RingGraph>(`/rings/${encodeURIComponent(ringId)}/graph`, GRAPH_QUERY), [ringId]);
  const model = useMemo<RingGraphModel | null>(() => {
    if (!graph.data) return null;
    const m = createModel();
    mergeIntoModel(m, graph.data.nodes, graph.data.edges);
    return m;
  }, [graph.data]);
  const [version, setVersion] = useState(0);
  const [highlight, setHighlight] = useState<(Highlight & { index: number }) | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // Kept as a translation key, so the message follows a language switch.
  const [message, setMessage] = useState<{ key: 'ws.expanding' | 'ws.expanded' | 'ws.expandedTruncated' | 'ws.undone' | 'ws.pathSearching' | 'ws.pathFound' | 'ws.pathNone'; count?: number; shown?: number } | null>(null);
  // The legend is also the filter: node types and relationship types ("rel-<type>") switched off are not drawn.
  const [hiddenTypes, setHiddenTypes] = useState<Set<string>>(new Set());
  const toggleType = useCallback((key: string) => {
    setHiddenTypes((h) => {
      const next = new Set(h);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }, []);
  // Shortest path: the first of the two nodes, picked in the node panel.
  const [pathFrom, setPathFrom] = useState<string | null>(null);
  // The last expansion cut by the node cap: "load more" asks again with a larger cap.
  const [more, setMore] = useState<{ node: string; limit: number } | null>(null);
  // Undo: what each expansion added, last first.
  const [undo, setUndo] = useState<string[][]>([]);
  const [expandError, setExpandError] = useState<Error | null>(null);
  const [tab, setTab] = useState<Tab>('graph');
  const claims = useRingClaims(ringId);
  const timeline = useApi(() => api.get<ClaimTimeline>(`/rings/${encodeURIComponent(ringId)}/timeline`), [ringId]);
  // What the claims tab and the graph are narrowed to: an evidence sentence's entities, or a time bucket (the brush).
  const [claimFilter, setClaimFilter] = useState<ClaimFilter | null>(null);

  /** Nodes of the graph the given entity refs ("type:key") name. */
  const nodesOf = useCallback(
    (refs: Set<string>) => {
      const nodes = new Set<string>();
      model?.forEachNode((id, a) => {
        if (refs.has(`${a.nodeType}:${a.key}`)) nodes.add(id);
      });
      return nodes;
    },
    [model],
  );

  const highlightEvidence = useCallback(
    (e: Evidence, index: number) => {
      if (!model) return;
      if (highlight?.index === index) {
        setHighlight(null);
        setClaimFilter(null);
        return;
      }
      // A sentence that counts specific claims opens exactly those, and highlights what they touch.
      if (e.claimIds?.length) {
        const ids = new Set(e.claimIds);
        // until all the claims have loaded, the sentence's own entities stand in for what its claims touch
        const touched = new Set<string>(claims.data?.complete ? [] : e.entities);
        for (const c of claims.data?.items ?? []) if (ids.has(c.claimId)) for (const x of claimTouches(c)) touched.add(x);
        for (const id of ids) touched.add(`claim:${id}`);
        setHighlight({ nodes: nodesOf(touched), index, label: e.key });
        setClaimFilter({ label: t('ws.evidenceClaims', { n: index + 1, count: ids.size }), entities: null, claimIds: ids, period: null, index });
        return;
      }
      // A sentence about the ring as a whole names no entity: it opens all the ring's claims and greys nothing out.
      if (e.entities.length === 0) {
        setHighlight(null);
        setClaimFilter({ label: t('ws.evidenceWhole', { n: index + 1 }), entities: null, period: null, index });
        return;
      }
      const wanted = new Set(e.entities);
      setHighlight({ nodes: nodesOf(wanted), index, label: e.key });
      setClaimFilter({ label: t('ws.evidenceFilter', { n: index + 1 }), entities: wanted, period: null, index });
    },
    [model, highlight, nodesOf, t, claims.data],
  );

  /** The time brush: a month, day or hour selects the claims in it and highlights the entities they touch. */
  const brush = useCallback(
    (period: ClaimFilter['period']) => {
      if (!period) {
        setClaimFilter(null);
        setHighlight(null);
        return;
      }
      const refs = new Set((claims.data?.items ?? []).filter((c) => inPeriod(c, period)).flatMap(claimTouches));
      setClaimFilter({ label: period.grain === 'hour' ? t('ws.brushHour', { hour: period.key }) : t('ws.brushPeriod', { period: period.key }), entities: null, period, index: -1 });
      setHighlight({ nodes: nodesOf(refs), index: -1, label: 'time' });
    },
    [claims.data, nodesOf, t],
  );

  const expand = useCallback(
    async (node: string, limit?: number) => {
      if (!model || !can.explore(user.role)) return;
      setMessage({ key: 'ws.expanding' });
      setExpandError(null);
      try {
        const cap = limit ?? EXPAND_LIMIT;
        const n = await api.get<Neighbourhood>('/graph/expand', { node, hops: 1, limit: cap });
        const added = mergeIntoModel(model, n.nodes, n.edges, node);
        setVersion((v) => v + 1);
        if (added.length) setUndo((u) => [added, ...u].slice(0, 50));
        // The API says when its node cap cut the neighbourhood; the workbench says so too and offers more.
        if (n.truncated) {
          setMessage({ key: 'ws.expandedTruncated', count: added.length, shown: n.nodes.length });
          setMore(cap < MAX_EXPAND ? { node, limit: Math.min(MAX_EXPAND, cap * 3) } : null);
        } else {
          setMessage({ key: 'ws.expanded', count: added.length });
          setMore(null);
        }
      } catch (e) {
        setMessage(null);
        setExpandError(e as Error);
      }
    },
    [model, user.role],
  );

  /** The shortest connection between the path's start and `to` (GET /graph/path): drawn into the graph and highlighted. */
  const shortestPath = useCallback(
    async (to: string) => {
      if (!model || !pathFrom || !can.explore(user.role)) return;
      setMessage({ key: 'ws.pathSearching' });
      setExpandError(null);
      try {
        const p = await api.get<{ found: boolean; length: number | null; nodes: GraphNode[]; edges: GraphEdge[] }>('/graph/path', { from: pathFrom, to, maxHops: PATH_HOPS });
        if (!p.found) {
          setMessage({ key: 'ws.pathNone', count: PATH_HOPS });
          return;
        }
        const added = mergeIntoModel(model, p.nodes, p.edges, pathFrom);
        setVersion((v) => v + 1);
        if (added.length) setUndo((u) => [added, ...u].slice(0, 50));
        setHighlight({ nodes: new Set(p.nodes.map((n) => n.id)), index: -2, label: 'path' });
        setMessage({ key: 'ws.pathFound', count: p.length ?? 0 });
        setPathFrom(null);
      } catch (e) {
        setMessage(null);
        setExpandError(e as Error);
      }
    },
    [model, pathFrom, user.role],
  );

  const undoLast = useCallback(() => {
    if (!model || !undo.length) return;
    const [last, ...rest] = undo;
    for (const id of last!) if (model.hasNode(id)) model.dropNode(id);
    if (selected && !model.hasNode(selected)) setSelected(null);
    setUndo(rest);
    setMore(null);
    setVersion((v) => v + 1);
    setMessage({ key: 'ws.undone', count: last!.length });
  }, [model, undo, selected]);

  /** Takes a node that is not a ring member out of the view (undoable like an expansion is not: it is gone until re-expanded). */
  const removeNode = useCallback(
    (id: string) => {
      if (!model?.hasNode(id) || model.getNodeAttribute(id, 'member')) return;
      model.dropNode(id);
      setUndo((u) => u.map((list) => list.filter((x) => x !== id)).filter((l) => l.length));
      setSelected(null);
      setVersion((v) => v + 1);
    },
    [model],
  );

  const selectedAttrs = selected && model?.hasNode(selected) ? model.getNodeAttributes(selected) : null;

  const pickMember = (type: string, key: string) => {
    let id: string | null = null;
    model?.forEachNode((n, a) => {
      if (a.nodeType === type && a.key === key) id = n;
    });
    if (id) {
      setSelected(id);
      setTab('graph');
    }
  };

  return (
    <div className="workspace">
      <aside className="ws-left" data-testid="ring-side">
        <Async state={ring}>
          {(r) => (
            <RingSummaryPanel
              ring={r}
              onChanged={ring.reload}
              highlightIndex={claimFilter?.index ?? highlight?.index ?? null}
              onEvidence={(e, i) => {
                highlightEvidence(e, i);
                if (tab !== 'graph' && tab !== 'claims') setTab('claims');
              }}
            />
          )}
        </Async>
      </aside>
      <section className="ws-graph">
        <nav className="tabs" role="tablist" data-testid="ring-tabs">
          {TABS.map((x) => (
            <button key={x} type="button" role="tab" aria-selected={tab === x} className={tab === x ? 'active' : ''} onClick={() => setTab(x)} data-testid={`tab-${x}`}>
              {t(`tabs.${x}`)}
            </button>
          ))}
          {claimFilter && (
            <span className="badge badge-warn small" data-testid="active-filter">
              {claimFilter.label}{' '}
              <button type="button" className="link" onClick={() => brush(null)} aria-label={t('ws.clearHighlight')}>
                ✕
              </button>
            </span>
          )}
        </nav>
        {/* Below the tabs: the graph, and a tab's page laid over it from the stage's own top (not from
            a guessed tab-bar height, which a wrapping filter badge changes). */}
        <div className="ws-stage">
          {tab !== 'graph' && (
            <div className="tab-overlay" data-testid={`tab-body-${tab}`}>
              {tab === 'members' && <Async state={ring}>{(r) => <MembersTab ring={r} onPick={pickMember} />}</Async>}
              {tab === 'claims' && <ClaimsTab claims={claims} total={ring.data?.claimCount ?? 0} filter={claimFilter} onClearFilter={() => brush(null)} />}
              {tab === 'timeline' && (
                <Async state={timeline}>
                  {(tl) => <ClaimTimelineView data={tl} selection={claimFilter?.period ?? null} onSelect={brush} />}
                </Async>
              )}
            </div>
          )}
          {graph.error ? (
            <ErrorBox error={graph.error} retry={graph.reload} />
          ) : !model ? (
            <Loading />
          ) : model.order === 0 ? (
            <Empty />
          ) : (
            <>
              {/* Notes about the graph (expansion messages, 清除高亮) belong to the graph tab: laid over another
                  tab they covered its header line. The active filter stays clearable from the tab bar. */}
              {tab === 'graph' && (
                <div className="graph-notes">
                  {graph.data?.truncated && <span className="badge badge-warn">{t('ws.truncated', { nodes: graph.data.nodes.length, used: graph.data.claimsUsed, total: graph.data.claimCount })}</span>}
                  <span className="muted small">{t('ws.expandHint')}</span>
                  {message && (
                    <span className={`small ${message.key === 'ws.expandedTruncated' ? 'badge badge-warn' : ''}`} data-testid="expand-message">
                      {t(message.key, { count: message.count, shown: message.shown })}
                    </span>
                  )}
                  {more && (
                    <button type="button" className="link" onClick={() => void expand(more.node, more.limit)} data-testid="expand-more">
                      {t('ws.loadMore', { limit: more.limit })}
                    </button>
                  )}
                  {undo.length > 0 && (
                    <button type="button" className="link" onClick={undoLast} data-testid="undo-expand">
                      {t('ws.undo')}
                    </button>
                  )}
                  {highlight && (
                    <button type="button" className="link" onClick={() => brush(null)}>
                      {t('ws.clearHighlight')}
                    </button>
                  )}
                </div>
              )}
              {expandError && <ErrorBox error={expandError} />}
              {ring.data && (ring.data.openCase ?? ring.data.cases.at(-1)) && (
                <SavedViews
                  caseId={(ring.data.openCase ?? ring.data.cases.at(-1))!.caseId}
                  model={model}
                  highlight={highlight}
                  hiddenTypes={hiddenTypes}
                  onApply={(v) => {
                    setHiddenTypes(new Set(v.hiddenTypes));
                    const lit = new Set(v.highlightedIds.filter((id) => model.hasNode(id)));
                    setHighlight(lit.size ? { nodes: lit, index: -3, label: 'view' } : null);
                  }}
                />
              )}
              <GraphView model={model} version={version} highlight={highlight} selected={selected} onSelect={setSelected} onExpand={(n) => void expand(n)} fileName={`ring-${ringId}`} hiddenTypes={hiddenTypes} onToggleType={toggleType} title={ring.data ? t('ws.pngTitle', { family: t(`family.${ring.data.family}`), ringId, members: ring.data.memberCount, money: fmt.money(ring.data.fundPaid) }) : ringId} />
            </>
          )}
        </div>
      </section>
      {selectedAttrs && selected && (
        <NodePanel
          id={selected}
          a={selectedAttrs}
          basis={ring.data?.members.find((m) => m.type === selectedAttrs.nodeType && m.key === selectedAttrs.key)?.basis ?? null}
          onClose={() => setSelected(null)}
          onExpand={() => void expand(selected)}
          onRemove={selectedAttrs.member ? null : () => removeNode(selected)}
          pathFrom={pathFrom && model?.hasNode(pathFrom) ? model.getNodeAttribute(pathFrom, 'label') || pathFrom : null}
          onPathFrom={() => setPathFrom(selected)}
          onPathTo={pathFrom && pathFrom !== selected ? () => void shortestPath(selected) : null}
        />
      )}
    </div>
  );
}

/**
 * Saved, annotated views of the case's graph: the nodes drawn, the highlight (a path, an evidence
 * sentence, a time brush) and the types switched off, with a name and a note. They are listed here,
 * put back on the canvas with one click, and go into the case's export package (views.json).
 */
function SavedViews({ caseId, model, highlight, hiddenTypes, onApply }: { caseId: string; model: RingGraphModel; highlight: Highlight | null; hiddenTypes: Set<string>; onApply(v: CaseView): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser()!;
  const views = useApi(() => api.get<{ items: CaseView[] }>(`/cases/${encodeURIComponent(caseId)}/views`), [caseId]);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [applied, setApplied] = useState<{ name: string; missing: number } | null>(null);
  async function save() {
    setBusy(true);
    setError(null);
    try {
      await api.post<CaseView>(`/cases/${encodeURIComponent(caseId)}/views`, { name: name.trim(), note: note.trim(), nodeIds: model.nodes(), highlightedIds: highlight ? [...highlight.nodes] : [], hiddenTypes: [...hiddenTypes] });
      setOpen(false);
      setName('');
      setNote('');
      views.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }
  const canSave = can.createCase(user.role);
  return (
    <div className="saved-views" data-testid="saved-views">
      <span className="muted small">{t('views.title')}</span>
      {(views.data?.items ?? []).map((v) => (
        <button
          key={v.viewId}
          type="button"
          className="chip small"
          title={`${v.note ? `${v.note}\n` : ''}${personText(v.createdByName, v.createdBy, currentLang())} · ${f.dateTime(v.createdAt)}`}
          onClick={() => {
            onApply(v);
            setApplied({ name: v.name, missing: v.nodeIds.filter((id) => !model.hasNode(id)).length });
          }}
          data-testid="saved-view"
          data-view-id={v.viewId}
        >
          {v.name}
        </button>
      ))}
      {views.data && views.data.items.length === 0 && <span className="muted small">{t('views.none')}</span>}
      {applied && (
        <span className="small" data-testid="view-applied">
          {t('views.applied', { name: applied.name })}
          {applied.missing > 0 && ` ${t('views.missing', { count: applied.missing })}`}
        </span>
      )}
      {canSave && !open && (
        <button type="button" className="link" onClick={() => setOpen(true)} data-testid="save-view-open">
          {t('views.save')}
        </button>
      )}
      {open && (
        <span className="row">
          <input placeholder={t('views.name')} value={name} onChange={(e) => setName(e.target.value)} data-testid="view-name" size={16} />
          <input placeholder={t('views.note')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="view-note" size={30} />
          <button type="button" className="primary" disabled={busy || !name.trim()} onClick={() => void save()} data-testid="save-view">
            {t('views.saveConfirm')}
          </button>
          <button type="button" className="link" onClick={() => setOpen(false)}>
            {t('views.cancel')}
          </button>
        </span>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  );
}

function RingSummaryPanel({ ring, onChanged, highlightIndex, onEvidence }: { ring: RingDetail; onChanged(): void; highlightIndex: number | null; onEvidence(e: Evidence, i: number): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = currentLang();
  return (
    <>
      <section className="panel">
        <div className="muted small">{ring.ringId}</div>
        <h1 className="ring-title">
          {t(`family.${ring.family}`)} <ChangeBadge change={ring.lastChange} />
        </h1>
        <div className="ring-figures">
          <span className="big-score" data-testid="ring-score">{f.num(ring.score, 1)}</span>
          <span>{t('ws.members', { count: ring.memberCount })}</span>
          <span>{t('ws.claims', { count: ring.claimCount })}</span>
          <span>{t('ws.money', { money: f.money(ring.fundPaid) })}</span>
        </div>
        <div className="muted small">
          {ring.regionName ?? ring.region ?? '—'} · {f.date(ring.periodStart)} – {f.date(ring.periodEnd)} · {t(`ringStatus.${ring.status}`, { defaultValue: ring.status })}
        </div>
        {ring.types.length > 1 && <div className="small">{ring.types.map((x) => t(`family.${x}`, { defaultValue: x })).join(' · ')}</div>}
      </section>
      <section className="panel">
        <h2>{t('ws.evidence')}</h2>
        <p className="muted small">{t('ws.evidenceHint')}</p>
        <ol className="evidence" data-testid="evidence">
          {ring.evidence.map((e, i) => (
            <li key={`${e.key}-${i}`} className={highlightIndex === i ? 'active' : ''} onClick={() => onEvidence(e, i)} data-testid="evidence-item">
              {e[lang]}
            </li>
          ))}
        </ol>
      </section>
      {ring.rankingFeedback.length > 0 && (
        // The bureau's own verdicts moved this ring in the queue: said apart from the evidence, never as part of it.
        <section className="panel ranking-feedback" data-testid="ranking-feedback">
          <h2>{t('ws.rankingFeedback')}</h2>
          <p className="muted small">{t('ws.rankingFeedbackHint', { detector: f.num(ring.detectorScore, 1), score: f.num(ring.score, 1) })}</p>
          <ul className="plain small">
            {ring.rankingFeedback.map((e, i) => (
              <li key={`${e.key}-${i}`} data-testid="ranking-feedback-item">
                {e[lang]}
              </li>
            ))}
          </ul>
        </section>
      )}
      {ring.keyPersons.length > 0 && (
        <section className="panel" data-testid="key-persons">
          <h2>{t('ws.keyPersons')}</h2>
          <ul className="plain small">
            {ring.keyPersons.map((k) => (
              <li key={k.key}>
                <strong>{k.name ?? k.key}</strong> {k.basis ? `— ${k.basis[lang]}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      <CasePanel ring={ring} onChanged={onChanged} />
      {ring.history.length > 0 && (
        <section className="panel">
          <h2>{t('ws.history')}</h2>
          <ul className="plain small" data-testid="ring-history">
            {ring.history.map((h) => (
              <li key={h.runId} data-change={h.change}>
                {f.dateTime(h.at)} · {t(`change.${h.change}`, { defaultValue: h.change })}
                {h.memberCount !== null && ` · ${t('ws.members', { count: h.memberCount })}`}
                {h.score !== null && ` · ${t('ws.historyScore', { score: f.num(h.score, 1) })}`}
                {h.detectorScore !== null && h.score !== null && Math.abs(h.detectorScore - h.score) >= 0.05 && ` (${t('ws.historyFeedback', { detector: f.num(h.detectorScore, 1) })})`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function NodePanel({
  id,
  a,
  basis,
  onClose,
  onExpand,
  onRemove,
  pathFrom,
  onPathFrom,
  onPathTo,
}: {
  id: string;
  a: NodeAttrs;
  basis: { zh: string; en: string } | null;
  onClose(): void;
  onExpand(): void;
  onRemove: (() => void) | null;
  /** the label of the path's start, once one is picked */
  pathFrom: string | null;
  onPathFrom(): void;
  onPathTo: (() => void) | null;
}) {
  const { t } = useTranslation();
  const lang = currentLang();
  const user = useUser()!;
  const entity = (ENTITY_TYPES as string[]).includes(a.nodeType) ? (a.nodeType as EntityType) : null;
  // Masked roles hold masked keys: a profile cannot be looked up by them.
  const profile = entity && can.explore(user.role) && !can.masked(user.role);
  return (
    <aside className="ws-right panel" data-testid="node-panel" data-node-id={id}>
      <div className="row space">
        <h2>
          {t(`nodeType.${a.nodeType}`, { defaultValue: a.nodeType })}: {a.label}
        </h2>
        <button type="button" className="link" onClick={onClose} aria-label="close">
          ✕
        </button>
      </div>
      <div className="muted small">{a.key}</div>
      <div className="small">
        {t('entity.memberRole')}: {a.member ? (a.role ? t(`memberRole.${a.role}`, { defaultValue: a.role }) : '—') : t('entity.notMember')}
      </div>
      {a.member && basis && (
        <div className="small" data-testid="role-basis">
          {t('entity.roleBasis')}: {basis[lang]}
        </div>
      )}
      <div className="row">
        {can.explore(user.role) && (
          <button type="button" onClick={onExpand} data-testid="expand-node">
            {t('ws.expand')}
          </button>
        )}
        {onRemove && (
          <button type="button" onClick={onRemove} data-testid="remove-node">
            {t('ws.remove')}
          </button>
        )}
        {can.explore(user.role) && (
          <button type="button" onClick={onPathFrom} data-testid="path-from">
            {t('ws.pathFrom')}
          </button>
        )}
        {onPathTo && (
          <button type="button" className="primary" onClick={onPathTo} data-testid="path-to">
            {t('ws.pathTo', { from: pathFrom })}
          </button>
        )}
        {profile && (
          <Link to={`/entities/${a.nodeType}/${encodeURIComponent(a.key)}`} data-testid="open-profile">
            {t('entity.open')}
          </Link>
        )}
      </div>
      {profile ? (
        <EntityDetails type={entity} entityKey={a.key} compact />
      ) : (
        <>
          {entity && <p className="muted small">{t('entity.maskedNoProfile')}</p>}
          <dl className="facts">
            {Object.entries(a.facts)
              .filter(([, v]) => v !== null && v !== '')
              .map(([k, v]) => (
                <div key={k}>
                  <dt>{factLabel(t, a.nodeType, k)}</dt>
                  <dd>{factValue(t, k, v)}</dd>
                </div>
              ))}
          </dl>
        </>
      )}
    </aside>
  );
}
