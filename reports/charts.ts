/**
 * Charts as plain geometry (rectangles, polylines, text) computed once, then drawn twice: as SVG in
 * the HTML report and with pdfkit's vector primitives in the PDF — the two formats show the same
 * picture, and no charting library (they draw into a browser canvas) is needed on a worker.
 */

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string }
  | { kind: 'line'; points: [number, number][]; stroke: string; width: number }
  | { kind: 'circle'; x: number; y: number; r: number; fill: string }
  | { kind: 'text'; x: number; y: number; text: string; size: number; anchor: 'start' | 'middle' | 'end'; fill: string };

export interface Chart {
  width: number;
  height: number;
  title: string;
  shapes: Shape[];
}

const AXIS = '#888888';
const GRID = '#E3E3E3';
const LABEL = '#444444';
export const PALETTE = { primary: '#1565C0', accent: '#C62828', muted: '#90A4AE' };

/** 1, 2 or 5 times a power of ten, so axis ticks read naturally. */
export function niceStep(max: number, ticks = 4): number {
  if (max <= 0) return 1;
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e8) return `${(v / 1e8).toFixed(a >= 1e9 ? 0 : 1)}亿`;
  if (a >= 1e4) return `${(v / 1e4).toFixed(a >= 1e5 ? 0 : 1)}万`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function yAxis(shapes: Shape[], f: Frame, max: number, width: number): (v: number) => number {
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const y = (v: number) => f.bottom - ((f.bottom - f.top) * v) / top;
  for (let v = 0; v <= top + 1e-9; v += step) {
    shapes.push({ kind: 'line', points: [[f.left, y(v)], [width - f.right, y(v)]], stroke: v === 0 ? AXIS : GRID, width: v === 0 ? 1 : 0.5 });
    shapes.push({ kind: 'text', x: f.left - 4, y: y(v) + 3, text: compactNumber(v), size: 8, anchor: 'end', fill: LABEL });
  }
  return y;
}

export interface SeriesPoint {
  label: string;
  value: number;
  /** drawn in the accent colour (the report's own run) */
  highlight?: boolean;
}

/** Vertical bars over time (rings per run). */
export function barChart(title: string, points: readonly SeriesPoint[], width = 480, height = 180): Chart {
  const f: Frame = { left: 40, top: 24, right: 8, bottom: height - 28 };
  const shapes: Shape[] = [{ kind: 'text', x: f.left, y: 14, text: title, size: 10, anchor: 'start', fill: '#222222' }];
  const y = yAxis(shapes, f, Math.max(0, ...points.map((p) => p.value)), width);
  const slot = (width - f.left - f.right) / Math.max(1, points.length);
  const every = Math.ceil(points.length / 8);
  points.forEach((p, k) => {
    const x = f.left + k * slot + slot * 0.2;
    shapes.push({ kind: 'rect', x, y: y(p.value), w: slot * 0.6, h: f.bottom - y(p.value), fill: p.highlight ? PALETTE.accent : PALETTE.primary });
    if (k % every === 0 || k === points.length - 1) shapes.push({ kind: 'text', x: x + slot * 0.3, y: f.bottom + 12, text: p.label, size: 7, anchor: 'middle', fill: LABEL });
  });
  return { width, height, title, shapes };
}

/** A line over time (fund money at risk per run). */
export function lineChart(title: string, points: readonly SeriesPoint[], width = 480, height = 180): Chart {
  // Room on the right for the last time label, centred under the last point.
  const f: Frame = { left: 40, top: 24, right: 30, bottom: height - 28 };
  const shapes: Shape[] = [{ kind: 'text', x: f.left, y: 14, text: title, size: 10, anchor: 'start', fill: '#222222' }];
  const y = yAxis(shapes, f, Math.max(0, ...points.map((p) => p.value)), width);
  const span = width - f.left - f.right;
  const x = (k: number) => (points.length <= 1 ? f.left + span / 2 : f.left + (span * k) / (points.length - 1));
  if (points.length > 1) shapes.push({ kind: 'line', points: points.map((p, k) => [x(k), y(p.value)]), stroke: PALETTE.primary, width: 1.5 });
  const every = Math.ceil(points.length / 8);
  points.forEach((p, k) => {
    shapes.push({ kind: 'circle', x: x(k), y: y(p.value), r: p.highlight ? 3.5 : 2.2, fill: p.highlight ? PALETTE.accent : PALETTE.primary });
    if (k % every === 0 || k === points.length - 1) shapes.push({ kind: 'text', x: x(k), y: f.bottom + 12, text: p.label, size: 7, anchor: 'middle', fill: LABEL });
  });
  return { width, height, title, shapes };
}

/** Horizontal bars, largest first (money at risk by region or scenario). */
export function horizontalBars(title: string, rows: readonly { label: string; value: number; note?: string }[], width = 480): Chart {
  const rowH = 18;
  const labelW = 150;
  const height = 30 + rowH * Math.max(1, rows.length) + 6;
  const shapes: Shape[] = [{ kind: 'text', x: 0, y: 14, text: title, size: 10, anchor: 'start', fill: '#222222' }];
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barSpan = width - labelW - 90;
  rows.forEach((r, k) => {
    const top = 26 + k * rowH;
    shapes.push({ kind: 'text', x: labelW - 6, y: top + 11, text: r.label, size: 8, anchor: 'end', fill: LABEL });
    const w = Math.max(1, (barSpan * r.value) / max);
    shapes.push({ kind: 'rect', x: labelW, y: top + 2, w, h: rowH - 6, fill: k === 0 ? PALETTE.accent : PALETTE.primary });
    shapes.push({ kind: 'text', x: labelW + w + 4, y: top + 11, text: r.note ?? compactNumber(r.value), size: 8, anchor: 'start', fill: LABEL });
  });
  if (rows.length === 0) shapes.push({ kind: 'text', x: labelW, y: 40, text: '—', size: 9, anchor: 'start', fill: AXIS });
  return { width, height, title, shapes };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => Math.round(v * 10) / 10;

export function chartSvg(c: Chart): string {
  const body = c.shapes
    .map((s) => {
      switch (s.kind) {
        case 'rect':
          return `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(Math.max(0, s.h))}" fill="${s.fill}"/>`;
        case 'line':
          return `<polyline points="${s.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}"/>`;
        case 'circle':
          return `<circle cx="${n(s.x)}" cy="${n(s.y)}" r="${s.r}" fill="${s.fill}"/>`;
        case 'text':
          return `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${s.size}" text-anchor="${s.anchor}" fill="${s.fill}">${esc(s.text)}</text>`;
      }
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${c.width} ${c.height}" width="${c.width}" height="${c.height}" role="img" aria-label="${esc(c.title)}" font-family="'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif">${body}</svg>`;
}

/** Draws a chart into a pdfkit document at (x, y), scaled to `width` points. */
export function drawChartPdf(doc: PDFKit.PDFDocument, c: Chart, x: number, y: number, width: number, font: string): number {
  const k = width / c.width;
  doc.save();
  for (const s of c.shapes) {
    switch (s.kind) {
      case 'rect':
        if (s.h > 0) doc.rect(x + s.x * k, y + s.y * k, s.w * k, s.h * k).fill(s.fill);
        break;
      case 'line': {
        const [first, ...rest] = s.points;
        if (!first) break;
        doc.moveTo(x + first[0] * k, y + first[1] * k);
        for (const [px, py] of rest) doc.lineTo(x + px * k, y + py * k);
        doc.lineWidth(s.width * k).strokeColor(s.stroke).stroke();
        break;
      }
      case 'circle':
        doc.circle(x + s.x * k, y + s.y * k, s.r * k).fill(s.fill);
        break;
      case 'text': {
        const size = s.size * k;
        doc.font(font).fontSize(size).fillColor(s.fill);
        const w = doc.widthOfString(s.text);
        const left = s.anchor === 'start' ? s.x * k : s.anchor === 'middle' ? s.x * k - w / 2 : s.x * k - w;
        // pdfkit places text by its top; SVG by the baseline.
        doc.text(s.text, x + left, y + s.y * k - size * 0.85, { lineBreak: false });
        break;
      }
    }
  }
  doc.restore();
  return c.height * k;
}
