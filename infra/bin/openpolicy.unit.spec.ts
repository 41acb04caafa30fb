import { createServer } from 'node:net';
import { expect } from 'chai';
import { runProcess } from '../kernel/runProcess.ts';
import { defaultToEmbedded, needsDatabase } from './cliEnv.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const openpolicy = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runProcess(`${ROOT}node_modules/.bin/tsx`, ['infra/bin/openpolicy.ts', ...args], { cwd: ROOT, env });

/** A port nothing listens on (taken, then given back). */
const freePort = async () => {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
};

describe('openpolicy CLI: help, the embedded database by default, readable failures', function () {
  this.timeout(30_000);

  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await openpolicy(['--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^usage: openpolicy <command>/);
    expect(r.stderr).to.equal('');
  });

  it('without DATABASE_URL: says it uses the embedded database, and when that is down says to start it (exit 2)', async () => {
    const port = await freePort();
    const r = await openpolicy(['apikey', 'create', '--name', 'me', '--scope', 'write'], {
      DATABASE_URL: '',
      EMBEDDED_PG_PORT: String(port),
    });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include(
      `DATABASE_URL is not set: using the embedded database npm start runs (postgres://postgres:postgres@127.0.0.1:${port}/openpolicy)`,
    );
    expect(r.stderr).to.include(`cannot connect to the database (ECONNREFUSED 127.0.0.1:${port})`);
    expect(r.stderr).to.include('the embedded database runs while npm start does');
    expect(r.stderr).not.to.match(/^\s+at /m);
  });

  it('apikey revoke with something that is not a key: says what to pass (exit 2)', async () => {
    const r = await openpolicy(['apikey', 'revoke', 'op_nope'], {
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('the key id (the 12 hex characters after op_) or the whole key');
  });

  it('which commands need the database, and the default only when DATABASE_URL is unset', () => {
    expect(needsDatabase('apikey', ['create'])).to.equal(true);
    expect(needsDatabase('ingest', ['x'])).to.equal(false);
    expect(needsDatabase('ingest', ['--direct', 'x'])).to.equal(true);
    const notes: string[] = [];
    const own = { DATABASE_URL: 'postgres://me@db/x' };
    expect(defaultToEmbedded(own, (l) => notes.push(l))).to.equal(false);
    expect(own.DATABASE_URL).to.equal('postgres://me@db/x');
    const unset: NodeJS.ProcessEnv = {};
    expect(defaultToEmbedded(unset, (l) => notes.push(l))).to.equal(true);
    expect(unset.DATABASE_URL).to.equal('postgres://postgres:postgres@127.0.0.1:54329/openpolicy');
    expect(notes).to.have.length(1);
  });
});
