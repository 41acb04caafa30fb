import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { StartupError } from '../kernel/startupErrors.ts';
import { lastLines, startEmbeddedPostgres, startFailureMessage } from './embeddedPostgres.ts';
import { embeddedDatabaseUrl, embeddedPort } from './embeddedUrl.ts';

describe('embedded PostgreSQL: a start that fails says why', function () {
  this.timeout(120_000);

  it('keeps the last lines of the server log, and names the causes and the data directory', () => {
    const log = lastLines(2);
    log.add('one\ntwo\n');
    log.add('three\n\n');
    expect(log.lines()).to.deep.equal(['two', 'three']);
    const text = startFailureMessage({ databaseDir: '/x/.data/embedded-pg', port: 54329, log: log.lines() });
    expect(text).to.include(
      'embedded PostgreSQL did not start on port 54329; data directory /x/.data/embedded-pg',
    );
    expect(text).to.include('another npm start is running in this checkout');
    expect(text).to.include('port 54329 is taken by another program: set EMBEDDED_PG_PORT');
    expect(text).to.match(/the server said:\n {2}two\n {2}three$/);
  });

  it('the port comes from EMBEDDED_PG_PORT, and a bad one is refused by name', () => {
    expect(embeddedPort({})).to.equal(54329);
    expect(embeddedDatabaseUrl({ EMBEDDED_PG_PORT: '55000' })).to.equal(
      'postgres://postgres:postgres@127.0.0.1:55000/openpolicy',
    );
    expect(() => embeddedPort({ EMBEDDED_PG_PORT: 'abc' })).to.throw(
      StartupError,
      /EMBEDDED_PG_PORT must be/,
    );
  });

  it('on a port another program holds: the server log, not "undefined"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openpolicy-embedded-'));
    // As root the server runs as the postgres user, which must reach the data directory below this one.
    await chmod(dir, 0o755);
    const taken: Server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const err = await startEmbeddedPostgres(dir, () => {}, { EMBEDDED_PG_PORT: String(port) }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(StartupError);
      const message = (err as Error).message;
      expect(message).to.include(`did not start on port ${port}`);
      expect(message).to.include(join(dir, 'embedded-pg'));
      expect(message).to.match(/the server said:\n.*(could not bind|could not create any TCP\/IP sockets)/s);
    } finally {
      await new Promise((r) => taken.close(r));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
