import { expect } from 'chai';
import { buildEntry } from '../cache/entry.ts';
import { chooseVariant, notModified, prepare } from './preparedEntry.ts';
import { createRouteMemo } from './routeMemo.ts';
import { DETAIL_CACHE, LIST_CACHE } from './serve.ts';

const body = JSON.stringify({
  items: Array.from({ length: 60 }, (_, i) => ({ id: `us-117-hr-${i}`, n: i })),
});

describe('prepared entries: the per-entry work of a response, done once', () => {
  it('keeps one coding per Accept-Encoding as negotiateEncoding picks it, with its own ETag and headers', async () => {
    const e = await buildEntry(body, '"abc"', '7');
    const p = prepare(e, DETAIL_CACHE);
    expect(prepare(e, DETAIL_CACHE)).to.equal(p);
    const pick = (ae: string | undefined) => chooseVariant(p, ae);
    expect(pick(undefined).coding).to.equal('identity');
    expect(pick('gzip, deflate, br').coding).to.equal('br');
    expect(pick('gzip, deflate, br').coding).to.equal('br'); // remembered, same answer
    expect(pick('br;q=0, gzip').coding).to.equal('gzip');
    expect(pick('deflate').coding).to.equal('identity');
    const br = pick('br');
    expect(br.etag).to.equal('"abc-br"');
    expect(br.ok).to.deep.equal([
      'ETag',
      '"abc-br"',
      'Cache-Control',
      'public, max-age=5, stale-while-revalidate=60',
      'Vary',
      'Accept-Encoding',
      'Content-Type',
      'application/json; charset=utf-8',
      'Content-Encoding',
      'br',
      'Content-Length',
      String(e.br!.length),
    ]);
    expect(br.notModified).to.deep.equal(br.ok.slice(0, 6));
    // Another route's policy (never the case for one entry, but then the headers follow it).
    expect(prepare(e, LIST_CACHE).identity.ok[3]).to.equal('public, max-age=2, stale-while-revalidate=30');
  });

  it('offers only identity for a body too small to compress, whatever the client accepts', async () => {
    const e = await buildEntry('{"a":1}', '"s"', null);
    expect(chooseVariant(prepare(e, DETAIL_CACHE), 'br, gzip').coding).to.equal('identity');
  });

  it('answers If-None-Match naming any variant, weak or strong, or *, and nothing else', async () => {
    const p = prepare(await buildEntry(body, '"abc"', null), DETAIL_CACHE);
    for (const inm of ['"abc"', '"abc-gzip"', 'W/"abc-br"', '"x", "abc-br"', '*']) {
      expect(notModified(p, inm), inm).to.equal(true);
    }
    for (const inm of [undefined, '', '"abd"', 'W/"x"', '"abc-deflate"']) {
      expect(notModified(p, inm), String(inm)).to.equal(false);
    }
  });
});

describe('createRouteMemo', () => {
  it('remembers the first route learnt for a URL and starts over when full', () => {
    const memo = createRouteMemo(2);
    const route = (key: string) => ({ key, readModel: 'bills', policy: LIST_CACHE, route: '/api/v1/bills' });
    memo.remember('/a', route('a'));
    memo.remember('/a', route('other'));
    memo.remember('/b', route('b'));
    expect(memo.get('/a')?.key).to.equal('a');
    memo.remember('/c', route('c'));
    expect([memo.get('/a'), memo.get('/b'), memo.get('/c')?.key]).to.deep.equal([undefined, undefined, 'c']);
    expect(memo.size()).to.equal(1);
  });
});
