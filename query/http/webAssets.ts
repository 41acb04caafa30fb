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

/**
 * The built web app: `/assets/*` (content-hashed names, so cached for a year and immutable; the build's .br / .gz
 * twins are sent when the client accepts them), and index.html, never cached without revalidation, for every
 * other GET path outside the API, so that each page's URL can be opened directly. Without a build: no route.
 */
export const webAssets = (dir: string = WEB_DIST) => {
  const assets = new Map<string, Asset | null>();
  let index: { mtimeMs: number; body: Buffer } | null = null;

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

  const indexHtml = () => {
    const path = join(dir, 'index.html');
    if (!existsSync(path)) return null;
    const { mtimeMs } = statSync(path);
    if (index?.mtimeMs !== mtimeMs) index = { mtimeMs, body: readFileSync(path) };
    return index.body;
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
    const body = indexHtml();
    if (!body) return next();
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', WEB_CSP);
    res.setHeader('Content-Length', body.length);
    res.end(body);
  });
  return r;
};
