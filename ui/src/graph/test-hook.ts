import type Sigma from 'sigma';
import type { RingGraphModel } from './build.ts';

/**
 * What end-to-end tests and the UI benchmark read from the page: the live graph and renderer, a
 * render counter, and a pixel probe of the WebGL layers. The probe re-renders and reads the
 * drawing buffer in the same task, before the browser composites and clears it (sigma does not ask
 * for preserveDrawingBuffer, which would slow every frame).
 */
export interface RingLensTestHook {
  graph: RingGraphModel | null;
  sigma: Sigma | null;
  renders: number;
  firstRenderAt: number | null;
  /** non-blank pixels per WebGL layer, read right after a synchronous render */
  probePixels(): Record<string, number>;
  /** sizes the nodes as the size-by choice does, at once (a test can run it before sigma's next frame) */
  sizeNodes(): void;
}

declare global {
  interface Window {
    __ringlens?: RingLensTestHook;
  }
}

function hook(): RingLensTestHook {
  window.__ringlens ??= { graph: null, sigma: null, renders: 0, firstRenderAt: null, probePixels: () => ({}), sizeNodes: () => {} };
  return window.__ringlens;
}

export function recordRender(): void {
  const h = hook();
  h.renders += 1;
  h.firstRenderAt ??= performance.now();
}

export function registerGraphForTests(graph: RingGraphModel, sigma: Sigma, sizeNodes: () => void): () => void {
  const h = hook();
  h.graph = graph;
  h.sigma = sigma;
  h.sizeNodes = sizeNodes;
  h.renders = 0;
  h.firstRenderAt = null;
  h.probePixels = () => {
    sigma.refresh();
    const out: Record<string, number> = {};
    for (const [name, canvas] of Object.entries(sigma.getCanvases())) {
      const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
      if (!gl) continue;
      const w = gl.drawingBufferWidth;
      const hgt = gl.drawingBufferHeight;
      const px = new Uint8Array(w * hgt * 4);
      gl.readPixels(0, 0, w, hgt, gl.RGBA, gl.UNSIGNED_BYTE, px);
      let drawn = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) drawn++;
      out[name] = drawn;
    }
    return out;
  };
  return () => {
    if (h.graph === graph) {
      h.graph = null;
      h.sigma = null;
    }
  };
}
