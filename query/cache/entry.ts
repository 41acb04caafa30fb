import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Coding } from './negotiate.ts';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Bodies below this are sent as they are: compressing them saves less than the header costs. */
export const MIN_COMPRESS_BYTES = 512;

/** One answer, ready to write: its bytes in every coding we offer, and the ETag of each. */
export type CacheEntry = Readonly<{
  /** The stored (identity) ETag; compressed variants derive theirs from it (see `variantEtag`). */
  etag: string;
  identity: Buffer;
  gzip: Buffer | null;
  br: Buffer | null;
  /** Log position of the row the body came from, when the loader knows it. */
  position: string | null;
}>;

/**
 * Each content coding is its own representation and so gets its own strong ETag (RFC 9110 §8.8.3.3):
 * `"abc"` -> `"abc-br"`. If-None-Match still matches any variant of the same body (see `writeEntry`).
 */
export const variantEtag = (etag: string, coding: Coding) => {
  if (coding === 'identity') return etag;
  const suffix = coding === 'br' ? '-br' : '-gzip';
  return etag.endsWith('"') ? `${etag.slice(0, -1)}${suffix}"` : `${etag}${suffix}`;
};

/**
 * Builds the bytes served until the next change. Compression happens here, once per change and cache fill,
 * not in the projector: at ~3 ms per 30 KB document it would slow bulk ingest, and not per request either.
 * `compress: false` (cache bypassed) skips it, since such an entry is written once and dropped.
 */
export const buildEntry = async (
  body: string,
  etag: string,
  position: string | null,
  compress = true,
): Promise<CacheEntry> => {
  const identity = Buffer.from(body, 'utf8');
  if (!compress || identity.length < MIN_COMPRESS_BYTES) {
    return { etag, identity, gzip: null, br: null, position };
  }
  const [gz, br] = await Promise.all([
    gzipAsync(identity, { level: 6 }),
    brotliAsync(identity, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
      },
    }),
  ]);
  // A variant that is not smaller is not worth a Content-Encoding.
  return {
    etag,
    identity,
    gzip: gz.length < identity.length ? gz : null,
    br: br.length < identity.length ? br : null,
    position,
  };
};
