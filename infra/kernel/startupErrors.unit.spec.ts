import { expect } from 'chai';
import { z } from 'zod';
import { parseEnv, port } from './env.ts';
import { describeStartupError, StartupError } from './startupErrors.ts';

const configError = (env: NodeJS.ProcessEnv) => {
  try {
    parseEnv(
      z.object({ DATABASE_URL: z.string({ required_error: 'not set' }), QUERY_PORT: port(4001) }),
      env,
    );
  } catch (err) {
    return err;
  }
  throw new Error('expected the configuration to be refused');
};

describe('describeStartupError: what a user can fix, as one message and exit 2', () => {
  it('a bad configuration: the readable list, with the value a number variable holds', () => {
    const env = { QUERY_PORT: 'abc' };
    expect(describeStartupError(configError(env), { env })).to.deep.equal({
      kind: 'config',
      message: 'invalid configuration:\n  DATABASE_URL: not set\n  QUERY_PORT: expected a number, got "abc"',
      exitCode: 2,
    });
  });

  it('a port in use names the port and the variables that move it', () => {
    const err = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4000'), {
      code: 'EADDRINUSE',
      port: 4000,
    });
    expect(describeStartupError(err)?.message).to.equal('port 4000 in use: set COMMAND_PORT / QUERY_PORT');
    expect(describeStartupError(err, { portVariables: 'QUERY_PORT' })?.message).to.equal(
      'port 4000 in use: set QUERY_PORT',
    );
  });

  it('no database: where it tried, found inside the wrapping errors (pg-pool, AggregateError)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 5432,
    });
    const err = new Error('pool failed', { cause: new AggregateError([refused], '') });
    expect(describeStartupError(err)).to.include({
      kind: 'database',
      message:
        'cannot connect to the database (ECONNREFUSED 127.0.0.1:5432): is PostgreSQL running, and is DATABASE_URL right?',
    });
    const login = Object.assign(new Error('password authentication failed for user "x"'), { code: '28P01' });
    expect(describeStartupError(login)?.message).to.equal(
      'the database refused the connection: password authentication failed for user "x"',
    );
  });

  it('an explained failure is printed as it is; anything else is a bug and keeps its stack (null)', () => {
    expect(describeStartupError(new StartupError('the server said: no'))?.message).to.equal(
      'the server said: no',
    );
    expect(describeStartupError(new TypeError('x is undefined'))).to.equal(null);
  });
});
