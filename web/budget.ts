/**
 * `npm run web:build` step 2: lists the initial bundle and every route chunk with its gzipped size, and fails
 * when the JavaScript a first visit downloads (entry and its static imports) is over budget.
 * Reads Vite's manifest (dist/.vite/manifest.json); writes dist/budget.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const INITIAL_JS_BUDGET = 100 * 1_000;

type Chunk = {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
};

const dist = fileURLToPath(new URL('./dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${dist}.vite/manifest.json`, 'utf8')) as Record<string, Chunk>;
const gz = new Map<string, number>();
const gzSize = (file: string) => {
  let n = gz.get(file);
  if (n === undefined) {
    n = gzipSync(readFileSync(`${dist}${file}`), { level: 9 }).length;
    gz.set(file, n);
  }
  return n;
};

/** The chunk keys a chunk pulls in statically, itself included. */
const closure = (key: string, seen = new Set<string>()) => {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const k of manifest[key]?.imports ?? []) closure(k, seen);
  return seen;
};

const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
if (!entryKey) throw new Error('no entry chunk in the manifest');
const initial = closure(entryKey);
const files = (keys: Iterable<string>) => [...keys].map((k) => manifest[k]!.file);
const cssOf = (keys: Iterable<string>) => [...new Set([...keys].flatMap((k) => manifest[k]!.css ?? []))];
const sum = (fs: readonly string[]) => fs.reduce((s, f) => s + gzSize(f), 0);

const initialJs = sum(files(initial));
const initialCss = sum(cssOf(initial));
const kb = (n: number) => `${(n / 1_000).toFixed(1)} kB`;

const routes = Object.keys(manifest)
  .filter((k) => manifest[k]!.isDynamicEntry)
  .map((k) => {
    const extra = [...closure(k)].filter((x) => !initial.has(x));
    return {
      route: manifest[k]!.src ?? k,
      chunk: manifest[k]!.file,
      chunkGzip: gzSize(manifest[k]!.file),
      // What a first navigation to the route downloads: its chunk and the shared chunks it needs.
      withSharedGzip: sum(files(extra)),
      cssGzip: sum(cssOf(extra)),
    };
  })
  .sort((a, b) => a.route.localeCompare(b.route));

const lines = [
  '',
  `initial JavaScript ${kb(initialJs)} gzipped (budget ${kb(INITIAL_JS_BUDGET)}): ${files(initial).join(', ')}`,
  `initial CSS        ${kb(initialCss)} gzipped`,
  '',
  'route chunk                          gzip      with shared chunks   css',
  ...routes.map(
    (r) =>
      `${r.route.padEnd(36)} ${kb(r.chunkGzip).padStart(8)}  ${kb(r.withSharedGzip).padStart(12)}  ${kb(r.cssGzip).padStart(12)}`,
  ),
  '',
];
process.stdout.write(lines.join('\n'));
writeFileSync(
  `${dist}budget.json`,
  `${JSON.stringify({ budget: INITIAL_JS_BUDGET, initialJsGzip: initialJs, initialCssGzip: initialCss, routes }, null, 2)}\n`,
);
if (initialJs > INITIAL_JS_BUDGET) {
  process.stderr.write(`budget exceeded: initial JavaScript ${kb(initialJs)} > ${kb(INITIAL_JS_BUDGET)}\n`);
  process.exit(1);
}
process.stdout.write('budget ok\n');
