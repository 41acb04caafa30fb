import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { gracefulClose } from './gracefulClose.ts';

/** A server whose answers take `delayMs`, as a slow query or an ingest would. */
const slowServer = async (delayMs: number) => {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('done'), delayMs);
  });
  const close = gracefulClose(server, 2_000);
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, close, port: (server.address() as AddressInfo).port };
};

const get = (port: number, agent: http.Agent) =>
  new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      })
      .on('error', reject);
  });

describe('gracefulClose', () => {
  it('answers a request in flight with Connection: close, then finishes without waiting for the grace', async () => {
    const { close, port } = await slowServer(300);
    const agent = new http.Agent({ keepAlive: true });
    try {
      // One kept-alive connection left idle by an earlier answer, one request in flight.
      await get(port, agent);
      const inFlight = get(port, agent);
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      await close();
      expect(Date.now() - started).to.be.below(1_500);
      expect(await inFlight).to.deep.equal({ status: 200, connection: 'close', body: 'done' });
    } finally {
      agent.destroy();
    }
  });

  it('cuts what is still in flight once the grace is over', async () => {
    const { close, port } = await slowServer(60_000);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const inFlight = get(port, agent).then(
        () => 'answered',
        (err: Error & { code?: string }) => err.code,
      );
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      await close();
      expect(Date.now() - started).to.be.within(1_900, 3_000);
      expect(await inFlight).to.equal('ECONNRESET');
    } finally {
      agent.destroy();
    }
  });
});
