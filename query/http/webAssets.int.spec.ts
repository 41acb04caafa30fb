import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import express from 'express';
import { WEB_CSP, webAssets } from './webAssets.ts';

describe('webAssets: the built dashboard behind the query service', () => {
  const js = 'console.log("app");'.repeat(50);
  let dir: string;
  let server: Server;
  let base: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'op-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><script type="module" src="/assets/app-abc123.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), js);
    writeFileSync(join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(js));
    writeFileSync(join(dir, 'assets', 'app-abc123.js.br'), brotliCompressSync(js));
    const app = express();
    app.use(webAssets(dir));
    app.use((_req, res) => {
      res.status(404).send('not found');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends hashed assets immutable for a year, precompressed as the client accepts', async () => {
    const br = await fetch(`${base}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'br' } });
    expect(br.status).to.equal(200);
    expect(br.headers.get('content-encoding')).to.equal('br');
    expect(br.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(br.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(await br.text()).to.equal(js); // fetch decodes the brotli body
    const gz = await fetch(`${base}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).to.equal('gzip');
    expect(await gz.text()).to.equal(js); // decoded by fetch: the .gz twin holds the same bytes
    const plain = await fetch(`${base}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).to.equal(null);
    expect(await plain.text()).to.equal(js);
  });

  it('answers every page URL with index.html, no-cache and the page CSP', async () => {
    for (const path of ['/', '/bills/us-117-hr-1319', '/search?q=rescue']) {
      const r = await fetch(`${base}${path}`);
      expect(r.status, path).to.equal(200);
      expect(r.headers.get('cache-control')).to.equal('no-cache');
      expect(r.headers.get('content-security-policy')).to.equal(WEB_CSP);
      expect(await r.text()).to.contain('/assets/app-abc123.js');
    }
  });

  it('leaves the API, metrics, health and unknown assets to the next handler', async () => {
    for (const path of [
      '/api/v1/nothing',
      '/metrics',
      '/healthz',
      '/assets/missing-1.js',
      '/assets/..%2Findex.html',
    ]) {
      expect((await fetch(`${base}${path}`)).status, path).to.equal(404);
    }
  });

  it('serves nothing when the app is not built', async () => {
    const app = express();
    app.use(webAssets(join(dir, 'absent')));
    app.use((_req, res) => {
      res.status(404).end();
    });
    const s = app.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    try {
      const r = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
      expect(r.status).to.equal(404);
    } finally {
      s.close();
    }
  });
});
