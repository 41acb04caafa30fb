/**
 * The ceiling: a bare node:http server answering the same paths with the same bytes as the query service, body
 * and headers (security, CORS, freshness, ETag, Cache-Control... as the service sent them for a client without
 * Accept-Encoding, like the load generator), from a Map filled once at start. Nothing a real service could do is
 * faster: no routing, no lookups, no per-request header work beyond node:http's own.
 * argv: <query service base URL> <port> <paths JSON>; each response is fetched once from the query service.
 */
import { createServer, request } from 'node:http';

/** Added by node:http itself on every response. */
const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

type Canned = { status: number; headers: string[]; body: Buffer };

const fetchRaw = (url: string) =>
  new Promise<Canned>((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (!PER_CONNECTION.has(res.rawHeaders[i]!.toLowerCase())) {
            headers.push(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          }
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });

const [base, port, pathsJson] = process.argv.slice(2);
const paths = JSON.parse(pathsJson!) as string[];
const canned = new Map<string, Canned>();
for (const path of paths) canned.set(path, await fetchRaw(`${base}${path}`));

const server = createServer((req, res) => {
  const hit = canned.get(req.url ?? '');
  if (!hit) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(hit.status, hit.headers);
  res.end(hit.body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
