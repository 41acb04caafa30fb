import { expect } from 'chai';
import pg from 'pg';
import { withCredentials } from '../infra/kernel/db.ts';
import { createTestDatabase, type TestDatabase } from '../infra/testing/testDatabase.ts';

const sqlState = async (url: string, text: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code;
  } finally {
    await c.end();
  }
};

describe('database roles (least privilege)', () => {
  let db: TestDatabase;
  let queryUrl: string;
  let projectorUrl: string;
  before(async () => {
    db = await createTestDatabase();
    queryUrl = withCredentials(db.url, 'openpolicy_query', 'openpolicy_query');
    projectorUrl = withCredentials(db.url, 'openpolicy_projector', 'openpolicy_projector');
  });
  after(() => db.drop());

  it('lets the query role read the read models', async () => {
    expect(await sqlState(queryUrl, 'SELECT body FROM rm.votes LIMIT 1')).to.equal('ok');
  });

  it('refuses the query role any write to the read models (42501 insufficient_privilege)', async () => {
    expect(
      await sqlState(
        queryUrl,
        "INSERT INTO rm.members (id, stub, body, etag, position) VALUES ('x', true, '{}', 'e', '1')",
      ),
    ).to.equal('42501');
    expect(await sqlState(queryUrl, 'DELETE FROM rm.votes')).to.equal('42501');
  });

  it('refuses the query role a read of the event log and of API keys', async () => {
    expect(await sqlState(queryUrl, 'SELECT * FROM events.log')).to.equal('42501');
    expect(await sqlState(queryUrl, 'SELECT * FROM command.api_keys')).to.equal('42501');
  });

  it('refuses the projector role any change to the event log', async () => {
    expect(await sqlState(projectorUrl, 'SELECT count(*) FROM events.log')).to.equal('ok');
    expect(await sqlState(projectorUrl, 'DELETE FROM events.log')).to.equal('42501');
  });
});
