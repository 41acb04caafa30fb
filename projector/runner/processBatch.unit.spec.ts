import { expect } from 'chai';
import { StaleBatch } from './applyBatch.ts';
import { isTransient } from './processBatch.ts';

const pgError = (code: string) => Object.assign(new Error(code), { code });

describe('isTransient: which batch failures are retried rather than dead-lettered', () => {
  it('retries connection, login, deadlock, resource and shutdown failures, and a moved checkpoint', () => {
    for (const code of ['08006', '28P01', '28000', '40P01', '40001', '53300', '57P01', '58030'])
      expect(isTransient(pgError(code)), code).to.equal(true);
    expect(isTransient(new StaleBatch('moved'))).to.equal(true);
    // No SQLSTATE at all: a socket error, a timeout.
    expect(isTransient(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).to.equal(true);
  });

  it("treats what an event makes the database refuse as the event's fault", () => {
    for (const code of ['23505', '22P02', '23514', '54000', '42601'])
      expect(isTransient(pgError(code)), code).to.equal(false);
  });
});
