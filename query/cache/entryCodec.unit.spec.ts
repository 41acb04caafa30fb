import { expect } from 'chai';
import { buildEntry } from './entry.ts';
import { decodeEntry, encodeEntry } from './entryCodec.ts';

describe('cache entry codec (the Redis form)', () => {
  it('round-trips every variant, the stamp, the ETag and the position byte for byte', async () => {
    const e = await buildEntry(
      JSON.stringify({ name: 'Barragán', filler: 'abc'.repeat(400) }),
      '"etag"',
      '12',
    );
    expect(e.gzip).to.not.equal(null);
    expect(e.br).to.not.equal(null);
    const decoded = decodeEntry(encodeEntry(e, 'tok.1 0 tok.2'));
    expect(decoded?.stamp).to.equal('tok.1 0 tok.2');
    expect(decoded?.entry.etag).to.equal('"etag"');
    expect(decoded?.entry.position).to.equal('12');
    for (const k of ['identity', 'gzip', 'br'] as const)
      expect(decoded?.entry[k]?.equals(e[k]!)).to.equal(true);
  });

  it('keeps absent variants and position absent', async () => {
    const e = await buildEntry('{"small":true}', '"s"', null);
    expect([e.gzip, e.br]).to.deep.equal([null, null]);
    const decoded = decodeEntry(encodeEntry(e, '0'));
    expect(decoded?.entry).to.deep.include({ gzip: null, br: null, position: null });
    expect(decoded?.entry.identity.toString()).to.equal('{"small":true}');
  });

  it('reads a foreign or truncated value as a miss', async () => {
    const buf = encodeEntry(await buildEntry('{"a":1}', '"a"', null), '0');
    expect(decodeEntry(buf.subarray(0, buf.length - 1))).to.equal(null);
    expect(decodeEntry(Buffer.from('{"not":"ours"}'))).to.equal(null);
  });
});
