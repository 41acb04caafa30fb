import { expect } from 'chai';
import { type Coding, negotiateEncoding, parseAcceptEncoding } from './negotiate.ts';

const ALL = new Set<Coding>(['identity', 'gzip', 'br']);
const GZIP_ONLY = new Set<Coding>(['identity', 'gzip']);
const IDENTITY = new Set<Coding>(['identity']);

describe('Accept-Encoding negotiation', () => {
  const cases: [string | undefined, ReadonlySet<Coding>, Coding][] = [
    [undefined, ALL, 'identity'],
    ['', ALL, 'identity'],
    ['gzip, deflate, br', ALL, 'br'],
    ['gzip, deflate, br, zstd', ALL, 'br'],
    ['gzip', ALL, 'gzip'],
    ['GZIP', ALL, 'gzip'],
    ['x-gzip', ALL, 'gzip'],
    ['br', GZIP_ONLY, 'identity'],
    ['br, gzip', GZIP_ONLY, 'gzip'],
    ['gzip;q=1, br;q=0.5', ALL, 'gzip'],
    ['gzip;q=0.5, br;q=0.5', ALL, 'br'],
    ['br;q=0, gzip', ALL, 'gzip'],
    ['br;q=0, gzip;q=0', ALL, 'identity'],
    ['gzip;q=0.5', ALL, 'gzip'],
    ['*', ALL, 'br'],
    ['*;q=0.3, gzip', ALL, 'gzip'],
    ['*;q=0', ALL, 'identity'],
    ['identity', ALL, 'identity'],
    ['identity;q=0, gzip;q=0.1', ALL, 'gzip'],
    ['deflate', ALL, 'identity'],
    ['gzip;q=garbage', ALL, 'gzip'],
    [' br ; q=0.9 ,gzip;q=0.8', ALL, 'br'],
    ['gzip, br', IDENTITY, 'identity'],
  ];
  for (const [header, available, expected] of cases) {
    it(`${JSON.stringify(header)} with [${[...available]}] -> ${expected}`, () => {
      expect(negotiateEncoding(header, available)).to.equal(expected);
    });
  }

  it('parses weights, keeping the highest for a coding listed twice', () => {
    expect(Object.fromEntries(parseAcceptEncoding('gzip;q=0.2, br, gzip;q=0.7, *;q=0'))).to.deep.equal({
      gzip: 0.7,
      br: 1,
      '*': 0,
    });
  });
});
