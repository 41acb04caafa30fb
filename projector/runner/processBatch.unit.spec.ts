import { expect } from 'chai';
import { StaleBatch } from './applyBatch.ts';
import { isEventFault, isTransient } from './processBatch.ts';

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

describe("isEventFault: which batch failures are the events' to dead-letter", () => {
  it('the database refusing the data, and the projection code throwing on an event', () => {
    for (const code of ['23505', '22P02', '23514']) expect(isEventFault(pgError(code)), code).to.equal(true);
    expect(isEventFault(new TypeError("Cannot read properties of null (reading 'map')"))).to.equal(true);
    expect(isEventFault(new RangeError('Invalid time value'))).to.equal(true);
  });

  it('not a lost connection, a shutdown or a moved checkpoint (the batch is retried)', () => {
    for (const code of ['08006', '57P01', '40P01']) expect(isEventFault(pgError(code)), code).to.equal(false);
    expect(isEventFault(new Error('Connection terminated unexpectedly'))).to.equal(false);
    expect(isEventFault(new StaleBatch('moved'))).to.equal(false);
  });

  it('leaves the source loops retrying a TypeError met outside any batch', () => {
    expect(isTransient(new TypeError('x'))).to.equal(true);
  });
});
