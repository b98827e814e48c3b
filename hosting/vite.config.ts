/**
 * Builds the dashboard into hosting/dist, which firebase.json's hosting serves (`npm start` builds it into its stack
 * directory instead, with `--outDir`). Preact's JSX runtime; uPlot's stylesheet is bundled with ours.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The report `npm run build --workspace hosting` prints includes gzip sizes (docs/dashboard.md quotes them).
    reportCompressedSize: true,
    chunkSizeWarningLimit: 800,
  },
});
