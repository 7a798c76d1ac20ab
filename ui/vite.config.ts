import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The workbench is built into ui/dist and served by `ringlens serve` (api/static-ui.ts) at `/`,
 * so it calls the API on its own origin. `npm run dev:ui` proxies /api to a running serve.
 */
export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    target: 'es2022',
    rollupOptions: {
      // react-router marks its modules "use client" (for server components); meaningless in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': process.env.RINGLENS_API ?? 'http://127.0.0.1:8080' } },
});
