import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

/**
 * Dashboard build: `vite build web` writes web/dist, which the gateway serves at `/` (with an
 * SPA fallback for deep links). In dev (`vite web`) `/api` is proxied to a local gateway.
 */
export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
    // The Solid JSX transform dominates the build; its timing report is noise in test logs.
    rolldownOptions: {
      checks: { bundlerTimings: false },
      // solid-js and the router in one cacheable chunk, shared by every page.
      output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } },
    },
  },
  server: {
    proxy: { '/api': process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:20128' },
  },
});
