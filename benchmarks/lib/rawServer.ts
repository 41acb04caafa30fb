/**
 * The ceiling: a bare node:http server answering the same paths with the same bytes and headers as the
 * query service, from a Map filled once at start. Nothing a real service could do is faster.
 * argv: <query service base URL> <port> <paths JSON>; the bytes are fetched once from the query service.
 */
import { createServer } from 'node:http';

const [base, port, pathsJson] = process.argv.slice(2);
const paths = JSON.parse(pathsJson!) as string[];
const bodies = new Map<string, { body: Buffer; etag: string }>();
for (const path of paths) {
  const r = await fetch(`${base}${path}`);
  bodies.set(path, { body: Buffer.from(await r.arrayBuffer()), etag: r.headers.get('etag') ?? '""' });
}
const server = createServer((req, res) => {
  const hit = bodies.get(req.url ?? '');
  if (!hit) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': hit.body.length,
    etag: hit.etag,
    'cache-control': 'public, max-age=5',
  });
  res.end(hit.body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
