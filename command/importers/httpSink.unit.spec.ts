import { expect } from 'chai';
import type { Command } from '../contract/commands.ts';
import { createHttpSink } from './httpSink.ts';
import { SinkUnavailable } from './sink.ts';

type Call = { url: string; init: RequestInit };

/** A fetch that answers from a script, one response per call, and records what it was sent. */
const scripted = (responses: (Response | Error)[]) => {
  const calls: Call[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = responses.shift();
    if (!next) throw new Error('no scripted response left');
    if (next instanceof Error) throw next;
    return next;
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const commands = [1, 2, 3].map(
  (n) =>
    ({
      type: 'RecordMember',
      data: { jurisdiction: 'us', ids: [{ scheme: 'bioguide', id: `X${n}` }] },
    }) as unknown as Command,
);

const sinkWith = (responses: (Response | Error)[]) => {
  const f = scripted(responses);
  const slept: number[] = [];
  const sink = createHttpSink({
    url: 'http://127.0.0.1:4000',
    apiKey: 'op_test',
    fetch: f.fetch,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  return { sink, calls: f.calls, slept };
};

describe('createHttpSink (NDJSON batches to POST /api/v1/ingest)', () => {
  it('sends one NDJSON request with the key and maps rejected lines back to batch indexes', async () => {
    const { sink, calls } = sinkWith([
      json(202, {
        accepted: 2,
        duplicates: 1,
        rejected: [{ line: 2, errors: [{ path: 'data.name', message: 'Required' }] }],
        events: [],
      }),
    ]);
    const outcome = await sink.send(commands);
    expect(outcome).to.deep.equal({
      accepted: 2,
      duplicates: 1,
      rejected: [{ index: 1, reason: 'data.name: Required' }],
    });
    expect(calls[0]?.url).to.equal('http://127.0.0.1:4000/api/v1/ingest');
    const headers = calls[0]?.init.headers as Record<string, string>;
    expect(headers.authorization).to.equal('Bearer op_test');
    expect(headers['content-type']).to.equal('application/x-ndjson');
    expect(String(calls[0]?.init.body).split('\n')).to.have.length(4); // three lines and the final newline
  });

  it('retries 503 with backoff (or Retry-After) and network errors, then succeeds', async () => {
    const { sink, calls, slept } = sinkWith([
      json(503, { title: 'unavailable', detail: 'log down' }),
      json(503, { title: 'unavailable' }, { 'retry-after': '2' }),
      new TypeError('fetch failed'),
      json(202, { accepted: 3, duplicates: 0, rejected: [], events: [] }),
    ]);
    expect((await sink.send(commands)).accepted).to.equal(3);
    expect(calls).to.have.length(4);
    expect(slept).to.deep.equal([500, 2_000, 2_000]);
  });

  it('gives up after the retries with SinkUnavailable, so the run stops instead of rejecting everything', async () => {
    const { sink } = sinkWith(
      Array.from({ length: 5 }, () =>
        json(503, { detail: 'the postgres event log did not accept the events' }),
      ),
    );
    let error: unknown;
    await sink.send(commands).catch((e: unknown) => {
      error = e;
    });
    expect(error).to.be.instanceOf(SinkUnavailable);
    expect((error as Error).message).to.equal(
      'http://127.0.0.1:4000/api/v1/ingest answered 503: the postgres event log did not accept the events',
    );
  });

  it('rejects every record of a batch refused with a 400, with the problem detail', async () => {
    const { sink } = sinkWith([json(400, { title: 'bad_request', detail: 'body is not NDJSON' })]);
    const outcome = await sink.send(commands);
    expect(outcome.accepted).to.equal(0);
    expect(outcome.rejected).to.deep.equal(
      [0, 1, 2].map((index) => ({ index, reason: 'HTTP 400 bad_request: body is not NDJSON' })),
    );
  });

  it('sends a batch too large for the service (413) again in halves, down to the one record too large', async () => {
    const tooLarge = () => json(413, { title: 'payload_too_large', detail: 'body exceeds 100 bytes' });
    const ok = (accepted: number) => json(202, { accepted, duplicates: 0, rejected: [] });
    // [1,2,3] too large -> [1,2] too large -> [1] ok, [2] too large alone -> [3] ok.
    const { sink, calls } = sinkWith([tooLarge(), tooLarge(), ok(1), tooLarge(), ok(1)]);
    const outcome = await sink.send(commands);
    expect(calls.map((c) => String(c.init.body).trim().split('\n').length)).to.deep.equal([3, 2, 1, 1, 1]);
    expect(outcome).to.deep.equal({
      accepted: 2,
      duplicates: 0,
      rejected: [{ index: 1, reason: 'HTTP 413 payload_too_large: body exceeds 100 bytes' }],
    });
  });

  it('sends a batch whose refused records the service did not all list again in halves, to name each', async () => {
    const err = (line: number) => ({ line, errors: [{ path: 'data.ids', message: `bad ${line}` }] });
    // [1,2,3]: 1 accepted, lines 2 and 3 refused but only line 2 listed -> [1,2]: 1 duplicate, 2 refused; [3] refused.
    const { sink, calls } = sinkWith([
      json(202, {
        accepted: 1,
        duplicates: 0,
        rejected: [err(2)],
        rejectedCount: 2,
        rejectedTruncated: true,
      }),
      json(202, {
        accepted: 1,
        duplicates: 1,
        rejected: [err(2)],
        rejectedCount: 1,
        rejectedTruncated: false,
      }),
      json(422, {
        title: 'unprocessable',
        detail: 'all 1 lines were rejected',
        errors: [{ ...err(1).errors[0], line: 1 }],
      }),
    ]);
    const outcome = await sink.send(commands);
    expect(calls.map((c) => String(c.init.body).trim().split('\n').length)).to.deep.equal([3, 2, 1]);
    expect(outcome).to.deep.equal({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 1, reason: 'data.ids: bad 2' },
        { index: 2, reason: 'data.ids: bad 1' },
      ],
    });
  });

  for (const [status, why] of [
    [404, 'a wrong --url'],
    [415, 'a content type the service does not take'],
    [500, 'a failing service'],
  ] as const) {
    it(`stops the run on a ${status} (${why}) instead of reporting every record as bad`, async () => {
      const { sink, calls } = sinkWith([json(status, { title: 'x', detail: `status ${status}` })]);
      const error = await sink.send(commands).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SinkUnavailable);
      expect((error as Error).message).to.include(`answered ${status}`);
      expect(calls).to.have.length(1);
    });
  }

  it('names each line when a 422 says every line was invalid', async () => {
    const { sink } = sinkWith([
      json(422, {
        title: 'validation_failed',
        detail: 'all 3 lines were rejected',
        errors: [
          { path: 'data.ids', message: 'Required', line: 1 },
          { path: 'data.name', message: 'Required', line: 1 },
          { path: 'type', message: 'Invalid discriminator value', line: 3 },
        ],
      }),
    ]);
    const { rejected } = await sink.send(commands);
    expect(rejected).to.deep.equal([
      { index: 0, reason: 'data.ids: Required; data.name: Required' },
      { index: 1, reason: 'HTTP 422 validation_failed: all 3 lines were rejected' },
      { index: 2, reason: 'type: Invalid discriminator value' },
    ]);
  });

  it('stops at once when the API key is refused', async () => {
    const { sink, calls } = sinkWith([
      json(401, { title: 'unauthorized', detail: 'unknown or revoked API key' }),
    ]);
    let error: unknown;
    await sink.send(commands).catch((e: unknown) => {
      error = e;
    });
    expect(error).to.be.instanceOf(SinkUnavailable);
    expect(calls).to.have.length(1);
  });
});
