// Builds the renderer to renderer/dist with relative asset paths, so the same bundle loads from
// file:// in Electron and from `paxlab serve` in a browser. Everything is bundled: no CDN at run time.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [vue()],
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The TypeScript language service (the editor's IntelliSense) is one big chunk by nature.
    chunkSizeWarningLimit: 12_000,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
});
