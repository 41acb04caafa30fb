import type { CacheEntry } from './entry.ts';

const VERSION = 1;
const HEADER = 1 + 1 + 4 * 6;
const HAS_POSITION = 1;
const HAS_GZIP = 2;
const HAS_BR = 4;

/**
 * The Redis form of an entry: one binary value, no base64 and no JSON parse of the body on a hit.
 * Layout: version u8, flags u8, six u32 lengths (stamp, etag, position, identity, gzip, br), then the bytes.
 * `stamp` is the invalidation stamp the entry was filled under (see redisLevel.ts).
 */
export const encodeEntry = (e: CacheEntry, stamp: string): Buffer => {
  const parts = [
    Buffer.from(stamp, 'utf8'),
    Buffer.from(e.etag, 'utf8'),
    Buffer.from(e.position ?? '', 'utf8'),
    e.identity,
    e.gzip ?? Buffer.alloc(0),
    e.br ?? Buffer.alloc(0),
  ];
  const header = Buffer.alloc(HEADER);
  header.writeUInt8(VERSION, 0);
  header.writeUInt8(
    (e.position !== null ? HAS_POSITION : 0) | (e.gzip ? HAS_GZIP : 0) | (e.br ? HAS_BR : 0),
    1,
  );
  parts.forEach((p, i) => {
    header.writeUInt32BE(p.length, 2 + 4 * i);
  });
  return Buffer.concat([header, ...parts]);
};

/** Null for anything that is not a well-formed entry of this version (a foreign or truncated value is a miss). */
export const decodeEntry = (buf: Buffer): { entry: CacheEntry; stamp: string } | null => {
  if (buf.length < HEADER || buf.readUInt8(0) !== VERSION) return null;
  const flags = buf.readUInt8(1);
  const lengths = Array.from({ length: 6 }, (_, i) => buf.readUInt32BE(2 + 4 * i));
  if (HEADER + lengths.reduce((a, b) => a + b, 0) !== buf.length) return null;
  let at = HEADER;
  const [stamp, etag, position, identity, gzip, br] = lengths.map((n) => {
    const part = buf.subarray(at, at + n);
    at += n;
    return part;
  }) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  return {
    stamp: stamp.toString('utf8'),
    entry: {
      etag: etag.toString('utf8'),
      position: flags & HAS_POSITION ? position.toString('utf8') : null,
      identity,
      gzip: flags & HAS_GZIP ? gzip : null,
      br: flags & HAS_BR ? br : null,
    },
  };
};
