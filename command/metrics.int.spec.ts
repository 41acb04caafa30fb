import { expect } from 'chai';
import pg from 'pg';
import { promSample } from '../infra/testing/prometheus.ts';
import { createTestDatabase, type TestDatabase } from '../infra/testing/testDatabase.ts';
import { usVoteCommand } from '../infra/testing/usEvents.ts';
import { createApiKey } from './auth/apiKeys.ts';
import { loadCommandConfig } from './config.ts';
import { startCommandService } from './index.ts';

describe('command service metrics (real Postgres behind it)', () => {
  let db: TestDatabase;
  let admin: pg.Pool;
  let svc: Awaited<ReturnType<typeof startCommandService>>;
  let key: string;

  before(async () => {
    db = await createTestDatabase();
    admin = new pg.Pool({ connectionString: db.url, max: 2 });
    ({ key } = await createApiKey(admin, 'metrics-test', ['write']));
    svc = await startCommandService(
      loadCommandConfig({ DATABASE_URL: db.url, COMMAND_PORT: '0', LOG_LEVEL: 'silent', KAFKA_BROKERS: '' }),
    );
  });
  after(async () => {
    await svc?.stop();
    await admin?.end();
    await db?.drop();
  });

  const post = (body: unknown) =>
    fetch(`${svc.url}/api/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('counts accepted events (new, duplicate), requests per route and status, and each append group', async () => {
    const vote = usVoteCommand('2021/h49');
    expect((await post(vote)).status).to.equal(202);
    expect((await post(vote)).status).to.equal(202);
    expect((await post({ type: 'RecordVote', data: {} })).status).to.equal(422);
    // Twenty concurrent ballots of a live roll call: group commit puts the later ones together.
    const live = vote.type === 'RecordVote' ? vote.data : null;
    const ballots = live!.ballots.slice(0, 20).map((b) => ({
      type: 'RecordVote',
      data: { ...live!, number: 9_999, ballotsComplete: false, ballots: [b] },
    }));
    expect((await Promise.all(ballots.map(post))).map((r) => r.status)).to.deep.equal(ballots.map(() => 202));

    const res = await fetch(`${svc.url}/metrics`);
    expect(res.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await res.text();
    expect(promSample(text, 'openpolicy_events_accepted_total{type="VoteRecorded",result="new"}')).to.equal(
      21,
    );
    expect(
      promSample(text, 'openpolicy_events_accepted_total{type="VoteRecorded",result="duplicate"}'),
    ).to.equal(1);
    const route = '{method="POST",route="/api/v1/commands"';
    expect(promSample(text, `openpolicy_http_request_duration_seconds_count${route},status="202"}`)).to.equal(
      22,
    );
    expect(promSample(text, `openpolicy_http_request_duration_seconds_count${route},status="422"}`)).to.equal(
      1,
    );
    // 22 accepted requests in fewer appends than requests; every request counted in exactly one append.
    const appends = promSample(
      text,
      'openpolicy_event_log_append_seconds_count{log="postgres",outcome="ok"}',
    )!;
    expect(appends).to.be.lessThan(22);
    expect(promSample(text, 'openpolicy_event_log_group_requests_sum')).to.equal(22);
    expect(promSample(text, 'openpolicy_event_log_group_events_sum')).to.equal(22);
  });
});
