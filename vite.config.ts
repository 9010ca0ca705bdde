import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { builtinMnist } from './src/build/builtin-mnist-plugin.ts';
import { contentSecurityPolicy } from './src/build/csp.ts';

export default defineConfig({
  plugins: [svelte(), builtinMnist()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // check-model.html: a test-only page that loads an exported model with plain tf.loadLayersModel.
    // bench.html: the browser throughput bench page (bench/throughput/browser.ts drives it).
    rolldownOptions: {
      input: { main: 'index.html', checkModel: 'check-model.html', bench: 'bench.html' },
      // Rolldown's report of the time spent in plugin callbacks is a profiling note printed as a warning on
      // every build; it reports no problem. Every other check still warns.
      checks: { bundlerTimings: false },
    },
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, headers: { 'Content-Security-Policy': contentSecurityPolicy } },
});
