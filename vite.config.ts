import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The host port the dev server proxies to (the browser host of `sportello serve`).
const hostPort = process.env.SPORTELLO_HOST_PORT ?? '5174';

export default defineConfig({
  // Relative asset URLs so the same build loads from file:// in Electron and from the
  // browser host on 127.0.0.1.
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api/events': { target: `ws://127.0.0.1:${hostPort}`, ws: true },
      '/api': { target: `http://127.0.0.1:${hostPort}` },
    },
  },
});
