import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Three builds: the Electron main process (a thin shell: it loads the engine
// from its TypeScript source through tsx at run time, so the engine's worker
// threads start exactly as they do in browser mode and the CLI), the preload
// bridge, and the Svelte renderer. Browser mode serves the same renderer
// build (out/renderer) from the local server.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
        },
        external: ['better-sqlite3', 'apache-arrow', 'ws', 'tsx', 'tsx/esm/api', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-node'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        // A sandboxed preload cannot be an ES module: CommonJS, named .cjs
        // because package.json says "type": "module" (main.ts loads out/preload/index.cjs).
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [svelte()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
