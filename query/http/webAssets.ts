import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Request, type Response, Router } from 'express';
import { type Coding, negotiateEncoding } from '../cache/negotiate.ts';

/** Where `npm run web:build` writes the dashboard (web/dist, not committed). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The page may load its own scripts and styles and call its own API, nothing else; Chartist sets style attributes. */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_THE_APP = /^\/(api|metrics|healthz|readyz|assets)(\/|$)/;
const ASSET_NAME = /^[\w.-]+$/;

type Asset = Readonly<{ type: string; identity: Buffer; br: Buffer | null; gzip: Buffer | null }>;

const readIfExists = (path: string) => (existsSync(path) ? readFileSync(path) : null);

/** One entry of dist/pages.json, written by the build from web/src/pages.ts (see web/vite.config.ts). */
type PageHints = Readonly<{ path: string; modules: string[]; styles: string[]; data: string[] }>;

const ASSET_PATH = /^\/assets\/[\w.-]+$/;
const DATA_TEMPLATE = /^\/api\/[\w./:?=&,-]*$/;
const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The app's router reads the path decoded with decodeURI (wouter), and a page encodes each parameter for the API. */
const decodePath = (path: string) => {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
};

/** `/bills/:id` against a decoded path: the parameters, or null when the path is another page's. */
const matchPage = (pattern: string, path: string): Record<string, string> | null => {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return null;
      params[w.slice(1)] = g;
    } else if (w !== g) return null;
  }
  return params;
};

/**
 * The `<link>` tags that let a first visit of `path` fetch its page's data and code in parallel with the app's
 * entry script, instead of once that script has run: `preload as=fetch` for each API resource the page reads
 * first (only for URLs without a query string: paged and filtered views fetch what their query says), and
 * `modulepreload` / `stylesheet` for the route chunk and the chunks it imports. The fetch preloads are taken
 * over by the app's own `fetch()` of the same URL (same mode and credentials, no extra headers).
 */
export const pageHintTags = (pages: readonly PageHints[], path: string, hasQuery: boolean) => {
  const decoded = decodePath(path);
  for (const page of pages) {
    const params = matchPage(page.path, decoded);
    if (!params) continue;
    const data = hasQuery
      ? []
      : page.data.map((t) =>
          t.replace(/:(\w+)/g, (m, name: string) =>
            params[name] === undefined ? m : encodeURIComponent(params[name]),
          ),
        );
    return [
      ...data.map((href) => `<link rel="preload" as="fetch" crossorigin href="${attr(href)}">`),
      ...page.modules.map((href) => `<link rel="modulepreload" crossorigin href="${attr(href)}">`),
      ...page.styles.map((href) => `<link rel="stylesheet" crossorigin href="${attr(href)}">`),
    ].join('');
  }
  return '';
};

/** dist/pages.json, keeping only well-formed entries (asset paths under /assets/, data templates under /api/). */
const readPages = (path: string): PageHints[] => {
  const raw = readIfExists(path);
  if (!raw) return [];
  const pages = (JSON.parse(raw.toString('utf8')) as { pages?: PageHints[] }).pages ?? [];
  return pages.filter(
    (p) =>
      typeof p.path === 'string' &&
      p.path.startsWith('/') &&
      p.modules.every((m) => ASSET_PATH.test(m)) &&
      p.styles.every((m) => ASSET_PATH.test(m)) &&
      p.data.every((d) => DATA_TEMPLATE.test(d)),
  );
};

/**
 * The built web app: `/assets/*` (content-hashed names, so cached for a year and immutable; the build's .br / .gz
 * twins are sent when the client accepts them), and index.html, never cached without revalidation, for every
 * other GET path outside the API, so that each page's URL can be opened directly. Without a build: no route.
 */
export const webAssets = (dir: string = WEB_DIST) => {
  const assets = new Map<string, Asset | null>();
  let index: { mtimeMs: number; head: string; tail: string; pages: PageHints[] } | null = null;

  const asset = (name: string) => {
    if (!assets.has(name)) {
      const path = join(dir, 'assets', name);
      const type = TYPES[extname(name)];
      assets.set(
        name,
        type && existsSync(path)
          ? {
              type,
              identity: readFileSync(path),
              br: readIfExists(`${path}.br`),
              gzip: readIfExists(`${path}.gz`),
            }
          : null,
      );
    }
    return assets.get(name) ?? null;
  };

  /** index.html for a page URL, with that page's hints before `</head>` (pages.json is written by the same build). */
  const indexHtml = (path: string, hasQuery: boolean) => {
    const file = join(dir, 'index.html');
    if (!existsSync(file)) return null;
    const { mtimeMs } = statSync(file);
    if (index?.mtimeMs !== mtimeMs) {
      let pages: PageHints[] = [];
      try {
        pages = readPages(join(dir, 'pages.json'));
      } catch {
        // a damaged hint file costs speed, not the page
      }
      const html = readFileSync(file, 'utf8');
      const at = html.indexOf('</head>');
      // Without a </head> to put them before, no hints.
      index =
        at < 0
          ? { mtimeMs, head: html, tail: '', pages: [] }
          : { mtimeMs, head: html.slice(0, at), tail: html.slice(at), pages };
    }
    return Buffer.from(`${index.head}${pageHintTags(index.pages, path, hasQuery)}${index.tail}`);
  };

  const r = Router();
  r.get('/assets/:file', (req: Request, res: Response, next) => {
    const name = String(req.params.file);
    const a = ASSET_NAME.test(name) ? asset(name) : null;
    if (!a) return next();
    const available = new Set<Coding>([
      ...(a.br ? ['br' as const] : []),
      ...(a.gzip ? ['gzip' as const] : []),
    ]);
    const encoding = negotiateEncoding(req.headers['accept-encoding'], available);
    const body = encoding === 'br' ? a.br! : encoding === 'gzip' ? a.gzip! : a.identity;
    res.setHeader('Content-Type', a.type);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Vary', 'Accept-Encoding');
    if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.end(body);
  });
  r.get('/{*path}', (req: Request, res: Response, next) => {
    if (NOT_THE_APP.test(req.path)) return next();
    const body = indexHtml(req.path, req.originalUrl.includes('?'));
    if (!body) return next();
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', WEB_CSP);
    res.setHeader('Content-Length', body.length);
    res.end(body);
  });
  return r;
};
