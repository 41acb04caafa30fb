import { request } from 'node:http';

export type RawResponse = Readonly<{
  status: number;
  headers: Record<string, string>;
  /** Names and values as sent, in order. */
  rawHeaders: readonly string[];
  body: Buffer;
}>;

/**
 * A GET that leaves the body as sent (fetch would decode br/gzip and hide Content-Encoding), for tests and
 * tools that check the bytes on the wire.
 */
export const rawGet = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Promise<RawResponse>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = String(v);
        resolve({
          status: res.statusCode ?? 0,
          headers: h,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
