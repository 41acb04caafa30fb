import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { PAGES } from './src/pages.ts';

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

type ManifestChunk = { file: string; isEntry?: boolean; imports?: string[]; css?: string[] };

/**
 * Writes dist/pages.json: for each page of src/pages.ts, its URL pattern, the JavaScript a first visit to it
 * needs beyond the entry (its route chunk and the shared chunks that one imports), the stylesheets of those
 * chunks, and the URL templates of its data. The query service turns it into preload hints in the index.html of
 * that page's URLs (query/http/webAssets.ts). Fails the build when a page's module is not a chunk.
 */
const pageHints = (): Plugin => ({
  name: 'openpolicy-page-hints',
  apply: 'build',
  writeBundle(options) {
    const dir = options.dir ?? join(root, 'dist');
    const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      ManifestChunk
    >;
    const closure = (key: string, seen = new Set<string>()) => {
      if (seen.has(key) || !manifest[key]) return seen;
      seen.add(key);
      for (const k of manifest[key].imports ?? []) closure(k, seen);
      return seen;
    };
    const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
    if (!entry) throw new Error('no entry chunk in the manifest');
    const initial = closure(entry);
    const pages = Object.entries(PAGES).map(([name, page]) => {
      if (!manifest[page.module]) throw new Error(`page ${name}: ${page.module} is not a chunk of the build`);
      // The route chunk first: it is what the page waits for; its shared imports follow.
      const keys = [...closure(page.module)].filter((k) => !initial.has(k));
      return {
        name,
        path: page.path,
        modules: keys.map((k) => `/${manifest[k]!.file}`),
        styles: [...new Set(keys.flatMap((k) => manifest[k]!.css ?? []))].map((f) => `/${f}`),
        data: page.data,
      };
    });
    writeFileSync(join(dir, 'pages.json'), `${JSON.stringify({ pages }, null, 2)}\n`);
  },
});

// `npm run web:dev`: Vite's dev server, with the API answered by the query service (QUERY_URL or :4001).
export default defineConfig({
  root,
  plugins: [react(), precompress(), pageHints()],
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
