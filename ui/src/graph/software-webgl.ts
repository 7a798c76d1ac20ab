/**
 * Whether this browser's WebGL runs on a software rasteriser (SwiftShader, llvmpipe, Microsoft Basic
 * Render): virtual desktops and remote sessions without a GPU, which is how many bureau desks work.
 * There every instanced primitive (sigma's thick edges and pictogram nodes) costs tens of
 * microseconds: measured in headless Chromium on SwiftShader, one resting frame of a 2,000-node /
 * 10,000-edge ring took 820 ms as drawn normally and 200 ms with hairline edges and plain dots.
 */
let answer: boolean | undefined;

export function softwareWebGL(): boolean {
  if (answer !== undefined) return answer;
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return (answer = false);
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return (answer = /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer));
}
