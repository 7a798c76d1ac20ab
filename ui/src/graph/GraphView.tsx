import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import Sigma from 'sigma';
import { EdgeLineProgram, EdgeRectangleProgram, NodePointProgram } from 'sigma/rendering';
import EdgeCurveProgram from '@sigma/edge-curve';
import { createNodeImageProgram } from '@sigma/node-image';
import { drawOnCanvas } from '@sigma/export-image';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import FA2Layout from 'graphology-layout-forceatlas2/worker';
import type { EdgeAttrs, NodeAttrs, RingGraphModel, SizeBy } from './build.ts';
import { applySizes } from './build.ts';
import { DIM_EDGE, DIM_NODE, HIGHLIGHT_EDGE, NODE_STYLE, EDGE_COLOR } from './style.ts';
import { softwareWebGL } from './software-webgl.ts';
import { registerGraphForTests, recordRender } from './test-hook.ts';

export interface Highlight {
  nodes: Set<string>;
  /** edges between highlighted nodes are highlighted too */
  label?: string;
}

interface Props {
  model: RingGraphModel;
  /** changes whenever nodes were added, so sizes and the layout follow */
  version: number;
  highlight: Highlight | null;
  selected: string | null;
  onSelect(node: string | null): void;
  onExpand(node: string): void;
  fileName: string;
  /** printed at the top of the exported PNG (ring type, id, date) */
  title?: string;
  /** node types, "outsider" and "rel-<type>" switched off in the legend (kept by the page: saved views carry them) */
  hiddenTypes: Set<string>;
  onToggleType(key: string): void;
}

/** nodes + edges past which a browser without a GPU gets the simplified drawing */
const SIMPLE_DRAWING_FROM = 2_000;

// Untyped attributes: sigma's settings are invariant in them, and helpers (export, tests) take plain Sigma.
type Renderer = Sigma;

/**
 * The ring drawn with sigma 3 (WebGL): typed pictogram nodes, weighted and curved parallel edges,
 * ForceAtlas2 in a web worker, hover neighbourhoods, evidence highlights, PNG export.
 */
export function GraphView({ model, version, highlight, selected, onSelect, onExpand, fileName, title, hiddenTypes, onToggleType }: Props) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const sigmaRef = useRef<Renderer | null>(null);
  const layoutRef = useRef<FA2Layout | null>(null);
  const stopTimer = useRef<number | undefined>(undefined);
  const state = useRef<{ hovered: string | null; neighbours: Set<string>; highlight: Highlight | null; selected: string | null; hiddenTypes: Set<string> }>({ hovered: null, neighbours: new Set(), highlight: null, selected: null, hiddenTypes: new Set() });
  const [running, setRunning] = useState(false);
  const [sizeBy, setSizeBy] = useState<SizeBy>('amount');
  // Without a GPU, big graphs are drawn with hairline edges and plain dots (see software-webgl.ts).
  const simple = useMemo(() => model.order + model.size > SIMPLE_DRAWING_FROM && softwareWebGL(), [model]);
  const sizeByRef = useRef(sizeBy);
  sizeByRef.current = sizeBy;
  const handlers = useRef({ onSelect, onExpand });
  handlers.current = { onSelect, onExpand };

  // One renderer per model.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const big = model.order > 1500;
    // Past this size a full redraw per hover costs more than a frame on a CPU-rendered canvas.
    const lightHover = model.order > 500 || model.size > 2000;
    const renderer: Renderer = new Sigma(model, el, {
      defaultNodeType: 'image',
      nodeProgramClasses: {
        image: createNodeImageProgram({ padding: 0.18, size: { mode: 'force', value: 64 }, drawingMode: 'background', keepWithinCircle: true }),
        dot: NodePointProgram,
      },
      defaultEdgeType: 'straight',
      edgeProgramClasses: { straight: EdgeRectangleProgram, curved: EdgeCurveProgram, hairline: EdgeLineProgram },
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: big ? 14 : 9,
      labelFont: 'system-ui, "Noto Sans CJK SC", sans-serif',
      labelSize: 12,
      zIndex: true,
      hideEdgesOnMove: big,
      hideLabelsOnMove: big,
      allowInvalidContainer: true,
      minCameraRatio: 0.02,
      maxCameraRatio: 20,
      nodeReducer: (node, data) => {
        const s = state.current;
        const res = { ...(data as NodeAttrs) } as NodeAttrs & Record<string, unknown>;
        if (simple) res.type = 'dot';
        if (s.hiddenTypes.has(res.nodeType) || (!res.member && s.hiddenTypes.has('outsider'))) {
          res.hidden = true;
          return res;
        }
        // Big graphs: hover marks the neighbourhood without dimming the rest, so only those nodes are redrawn.
        const hover = s.hovered && !lightHover ? s.neighbours : null;
        const focus = hover ?? s.highlight?.nodes;
        if (focus && !focus.has(node) && node !== s.hovered) {
          res.color = DIM_NODE;
          res.label = '';
          res.zIndex = 0;
        } else if (focus) {
          res.zIndex = 2;
          res.highlighted = !!s.highlight && !hover;
        }
        if (lightHover && s.hovered && (node === s.hovered || s.neighbours.has(node))) {
          res.highlighted = true;
          res.zIndex = 3;
        }
        if (node === s.selected) {
          res.highlighted = true;
          res.zIndex = 3;
        }
        // Ring members always carry their label (patients included), while the picture stays readable.
        if (res.member && res.label && !big) res.forceLabel = true;
        return res;
      },
      edgeReducer: (edge, data) => {
        const s = state.current;
        const res = { ...(data as EdgeAttrs) } as EdgeAttrs & Record<string, unknown>;
        if (simple) (res as Record<string, unknown>).type = 'hairline';
        if (s.hiddenTypes.size) {
          const hiddenNode = (n: string) => {
            const a = model.getNodeAttributes(n);
            return s.hiddenTypes.has(a.nodeType) || (!a.member && s.hiddenTypes.has('outsider'));
          };
          const [a, b] = model.extremities(edge);
          if (s.hiddenTypes.has(`rel-${res.relType in EDGE_COLOR ? res.relType : 'other'}`) || hiddenNode(a) || hiddenNode(b)) {
            res.hidden = true;
            return res;
          }
        }
        if (s.hovered && lightHover) {
          if (model.hasExtremity(edge, s.hovered)) {
            res.color = HIGHLIGHT_EDGE;
            res.zIndex = 2;
          }
        } else if (s.hovered) {
          if (!model.hasExtremity(edge, s.hovered)) res.hidden = true;
          else res.zIndex = 2;
        } else if (s.highlight) {
          const [a, b] = model.extremities(edge);
          if (s.highlight.nodes.has(a) && s.highlight.nodes.has(b)) {
            res.color = HIGHLIGHT_EDGE;
            res.size = Math.max(res.size, 2.5);
            res.zIndex = 2;
          } else {
            res.color = DIM_EDGE;
            res.zIndex = 0;
          }
        }
        return res;
      },
    });
    sigmaRef.current = renderer;
    renderer.on('afterRender', recordRender);
    // What a hover touches: the node, its neighbours and its edges (redrawn alone on big graphs).
    const hoverPart = (node: string) => ({ nodes: [node, ...model.neighbors(node)], edges: model.edges(node) });
    // Nodes and edges an expansion adds are drawn by sigma at its next frame; until then they have no place
    // in its programs, and a partial redraw that skips indexation throws on them ("can't be repaint") — the
    // pointer still rests on the double-clicked node, whose new neighbours the next hover redraws. After
    // the graph changed, the hover's redraw indexes once more.
    let changed = false;
    const markChanged = () => {
      changed = true;
    };
    const graphEvents = ['nodeAdded', 'edgeAdded', 'nodeDropped', 'edgeDropped', 'cleared'] as const;
    for (const e of graphEvents) model.on(e, markChanged);
    const redrawHover = (node: string | null, previous: string | null) => {
      if (!lightHover) return renderer.refresh({ skipIndexation: true });
      const a = node ? hoverPart(node) : { nodes: [], edges: [] };
      const b = previous && model.hasNode(previous) ? hoverPart(previous) : { nodes: [], edges: [] };
      const skipIndexation = !changed;
      changed = false;
      renderer.refresh({ partialGraph: { nodes: [...a.nodes, ...b.nodes], edges: [...a.edges, ...b.edges] }, skipIndexation });
    };
    renderer.on('enterNode', ({ node }) => {
      // Dragging the camera across nodes is not hovering them.
      if (renderer.getMouseCaptor().isMouseDown) return;
      const previous = state.current.hovered;
      state.current.hovered = node;
      state.current.neighbours = new Set(model.neighbors(node));
      el.style.cursor = 'pointer';
      redrawHover(node, previous);
    });
    renderer.on('leaveNode', () => {
      const previous = state.current.hovered;
      if (previous === null) return;
      state.current.hovered = null;
      state.current.neighbours = new Set();
      el.style.cursor = '';
      redrawHover(null, previous);
    });
    renderer.on('clickNode', ({ node }) => handlers.current.onSelect(node));
    renderer.on('clickStage', () => handlers.current.onSelect(null));
    renderer.on('doubleClickNode', (e) => {
      e.preventSigmaDefault();
      handlers.current.onExpand(e.node);
    });
    const unregister = registerGraphForTests(model, renderer, () => applySizes(model, sizeByRef.current));
    // Sigma sizes its canvases when created: when bars above the graph come or go (saved views, notes),
    // the container changes height and the canvases must follow, or they lie over the legend.
    // A scheduled full refresh, as sigma does on a window resize (it resizes while rendering): a refresh
    // that skipped indexation here, while an expansion was adding nodes, left them out of the programs.
    const resized = new ResizeObserver(() => renderer.scheduleRefresh());
    resized.observe(el);
    return () => {
      for (const e of graphEvents) model.off(e, markChanged);
      resized.disconnect();
      unregister();
      window.clearTimeout(stopTimer.current);
      layoutRef.current?.kill();
      layoutRef.current = null;
      renderer.kill();
      sigmaRef.current = null;
    };
  }, [model]);

  // Sizes follow the choice and the nodes present.
  useEffect(() => {
    applySizes(model, sizeBy);
  }, [model, sizeBy, version]);

  // The layout starts on its own when nodes arrive and stops after a while (longer for big graphs).
  useEffect(() => {
    startLayout(Math.min(2500 + model.order * 2, 9000));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model, version]);

  useEffect(() => {
    state.current.highlight = highlight;
    state.current.selected = selected;
    state.current.hiddenTypes = hiddenTypes;
    sigmaRef.current?.refresh({ skipIndexation: true });
  }, [highlight, selected, hiddenTypes]);


  function startLayout(autoStopMs?: number) {
    window.clearTimeout(stopTimer.current);
    if (model.order < 2) return;
    layoutRef.current?.kill();
    const settings = { ...forceAtlas2.inferSettings(model), adjustSizes: false, edgeWeightInfluence: 0.5 };
    layoutRef.current = new FA2Layout(model, { settings, getEdgeWeight: 'weight' });
    layoutRef.current.start();
    setRunning(true);
    if (autoStopMs) stopTimer.current = window.setTimeout(stopLayout, autoStopMs);
  }

  function stopLayout() {
    window.clearTimeout(stopTimer.current);
    layoutRef.current?.stop();
    setRunning(false);
  }

  async function exportPng() {
    const r = sigmaRef.current;
    if (!r) return;
    // The picture with a title band above and the legend of what it shows below, so the file explains itself.
    const graph = await drawOnCanvas(r, { backgroundColor: '#ffffff' });
    const items = legendItems(model, t);
    const out = document.createElement('canvas');
    const band = 44;
    const legendRows = Math.ceil(items.length / 6);
    out.width = graph.width;
    out.height = graph.height + band + 24 * legendRows + 12;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = '#1a1a1a';
    ctx.font = 'bold 18px system-ui, "Noto Sans CJK SC", sans-serif';
    ctx.fillText(title ?? fileName, 12, 28);
    ctx.drawImage(graph, 0, band);
    ctx.font = '13px system-ui, "Noto Sans CJK SC", sans-serif';
    const colW = out.width / 6;
    items.forEach((it, i) => {
      const x = 12 + (i % 6) * colW;
      const y = graph.height + band + 18 + Math.floor(i / 6) * 24;
      ctx.fillStyle = it.color;
      if (it.line) ctx.fillRect(x, y - 5, 16, 3);
      else {
        ctx.beginPath();
        ctx.arc(x + 7, y - 4, 6, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.fillStyle = '#1a1a1a';
      ctx.fillText(it.label, x + 22, y);
    });
    const a = document.createElement('a');
    a.href = out.toDataURL('image/png');
    a.download = `${fileName}.png`;
    a.click();
  }

  return (
    <div className="graph-wrap">
      <div className="graph-toolbar">
        <button type="button" onClick={() => (running ? stopLayout() : startLayout())} data-testid="layout-toggle">
          {running ? t('ws.stopLayout') : t('ws.startLayout')}
        </button>
        <label>
          {t('ws.sizeBy')}{' '}
          <select value={sizeBy} onChange={(e) => setSizeBy(e.target.value as SizeBy)}>
            <option value="amount">{t('ws.sizeByAmount')}</option>
            <option value="degree">{t('ws.sizeByDegree')}</option>
          </select>
        </label>
        <button type="button" onClick={() => sigmaRef.current?.getCamera().animatedReset()}>
          {t('ws.fit')}
        </button>
        <button type="button" onClick={() => void exportPng()} data-testid="export-png">
          {t('ws.exportPng')}
        </button>
        {simple && (
          <span className="muted" title={t('ws.simpleDrawingHelp')} data-testid="simple-drawing">
            {t('ws.simpleDrawing')}
          </span>
        )}
        <span className="muted" data-testid="graph-counts">
          {t('ws.nodes', { nodes: model.order, edges: model.size })}
        </span>
      </div>
      <div className="graph-canvas" ref={container} data-testid="graph" data-drawing={simple ? 'simple' : 'full'} data-node-count={model.order} data-edge-count={model.size} />
      <Legend model={model} version={version} hidden={hiddenTypes} onToggle={onToggleType} />
    </div>
  );
}

/** What the picture shows: node types, non-members and relationship types present in the graph, nothing absent. */
function legendItems(model: RingGraphModel, t: (k: string, o?: Record<string, unknown>) => string): { key: string; label: string; color: string; icon?: string; line?: boolean }[] {
  const types = new Set<string>();
  const rels = new Set<string>();
  let outsiders = false;
  model.forEachNode((_, a) => {
    types.add(a.nodeType);
    if (!a.member) outsiders = true;
  });
  model.forEachEdge((_, a) => rels.add(a.relType in EDGE_COLOR ? a.relType : 'other'));
  return [
    ...(['person', 'card', 'doctor', 'institution', 'claim', 'ring', 'trace-code'] as const)
      .filter((x) => types.has(x) && NODE_STYLE[x])
      .map((x) => ({ key: x, label: t(`nodeType.${x}`), color: NODE_STYLE[x]!.color, icon: NODE_STYLE[x]!.icon })),
    ...(outsiders ? [{ key: 'outsider', label: t('entity.notMember'), color: NODE_STYLE.person!.pale }] : []),
    ...Object.entries(EDGE_COLOR)
      .filter(([type]) => rels.has(type))
      .map(([type, color]) => ({ key: `rel-${type}`, label: t(`edgeType.${type}`, { defaultValue: t('edgeType.other') }), color, line: true })),
  ];
}

function Legend({ model, version, hidden, onToggle }: { model: RingGraphModel; version: number; hidden: Set<string>; onToggle(key: string): void }) {
  const { t } = useTranslation();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const items = useMemo(() => legendItems(model, t), [model, version, t]);
  return (
    <div className="legend" aria-label={t('ws.legend')} data-testid="legend">
      <span className="muted small">{t('ws.filterHint')}</span>
      {items.map((it) => (
        <button
          key={it.key}
          type="button"
          className={`legend-item${hidden.has(it.key) ? ' off' : ''}`}
          aria-pressed={!hidden.has(it.key)}
          title={t(hidden.has(it.key) ? 'ws.filterShow' : 'ws.filterHide', { type: it.label })}
          onClick={() => onToggle(it.key)}
          data-testid="legend-item"
          data-key={it.key}
        >
          {it.line ? (
            <span className="legend-line" style={{ background: it.color }} />
          ) : (
            <span className="legend-dot" style={{ background: it.color }}>
              {it.icon && <img src={it.icon} alt="" />}
            </span>
          )}
          {it.label}
        </button>
      ))}
      {hidden.size > 0 && (
        <span className="badge badge-warn small" data-testid="filter-active">
          {t('ws.filterActive', { count: hidden.size })}
        </span>
      )}
    </div>
  );
}
