import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Writes .br and .gz beside every built JS / CSS file, so the server sends compressed bytes without work. */
const precompress = (): Plugin => ({
  name: 'openpolicy-precompress',
  apply: 'build',
  writeBundle(options) {
    const dir = join(options.dir ?? join(root, 'dist'), 'assets');
    for (const file of readdirSync(dir).filter((f) => /\.(js|css|svg)$/.test(f))) {
      const raw = readFileSync(join(dir, file));
      writeFileSync(join(dir, `${file}.gz`), gzipSync(raw, { level: 9 }));
      writeFileSync(
        join(dir, `${file}.br`),
        brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      );
    }
  },
});

// `npm run web:dev`: Vite's dev server, with the API answered by the query service (QUERY_URL or :4001).
export default defineConfig({
  root,
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': process.env.QUERY_URL ?? 'http://127.0.0.1:4001' },
  },
});
