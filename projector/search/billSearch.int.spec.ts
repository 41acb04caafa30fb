import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { BillRecorded } from '../../command/bill/bill.ts';
import { Command } from '../../command/contract/commands.ts';
import { parseCaBillsXml } from '../../command/importers/caBills.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { dataPath } from '../../infra/testing/realData.ts';
import { asEvent, usBillCommand } from '../../infra/testing/usEvents.ts';
import { billDocument, type VoteSummary } from '../bills/billDocument.ts';
import { billSearchRow, indexBills } from './billSearch.ts';

// H.R. 1319 (American Rescue Plan Act of 2021), from its real BILLSTATUS file.
const data = (asEvent(usBillCommand('hr/hr1319')) as BillRecorded).data;
const vote = (n: number): VoteSummary => ({
  id: `us-117-2021-h${n}`,
  date: `2021-02-${String(n).padStart(2, '0')}T12:00:00-05:00`,
  question: 'On Passage',
  result: 'Passed',
  totals: { yea: 219, nay: 212 },
});
const rowWith = (votes: VoteSummary[]) => {
  const { document, latestActionDate } = billDocument(data.billId, data, votes, null);
  return billSearchRow(document, latestActionDate, true);
};

describe('bill search rows: a vote that only moves the counters updates them in place (real Postgres)', () => {
  const t = useProjectorDatabase();

  const snapshot = () =>
    inTransaction(t.pool, async (c) => ({
      row: (
        await c.query(
          `SELECT *, document::text AS document, rank_vector::text AS rank_vector FROM bill_search WHERE id = $1`,
          [data.billId],
        )
      ).rows,
      words: (await c.query('SELECT word, ndoc FROM search_words ORDER BY word')).rows,
      highlights: (await c.query('SELECT * FROM bill_highlights ORDER BY id')).rows,
    }));
  const clear = () =>
    inTransaction(t.pool, async (c) => {
      await c.query('DELETE FROM bill_search');
      await c.query('DELETE FROM search_words');
      await c.query('DELETE FROM bill_highlights');
    });

  it('leaves the row, dictionary and highlights exactly as a fresh write of the same bill would', async () => {
    const before = rowWith([vote(1)]);
    const after = rowWith([vote(1), vote(2)]);
    expect(after.voteCount).to.equal(2);
    expect(after.title).to.equal(before.title);

    await inTransaction(t.pool, (c) => indexBills(c, [before]));
    const first = await snapshot();
    expect(first.row[0]).to.include({ vote_count: 1 });
    await inTransaction(t.pool, (c) => indexBills(c, [after]));
    const updated = await snapshot();
    expect(updated.row[0]).to.include({ vote_count: 2, hit: after.hit });
    expect(JSON.parse(updated.row[0].hit).voteCount).to.equal(2);
    expect(updated.row[0].document).to.equal(first.row[0].document);

    await clear();
    await inTransaction(t.pool, (c) => indexBills(c, [after]));
    expect(await snapshot()).to.deep.equal(updated);
  });

  it('rewrites the searched texts when they change, and writes nothing when nothing changed', async () => {
    await clear();
    const original = rowWith([vote(1)]);
    await inTransaction(t.pool, (c) => indexBills(c, [original]));
    const retitled = { ...original, title: `${original.title} (amended)` };
    await inTransaction(t.pool, (c) => indexBills(c, [retitled]));
    const changed = await snapshot();
    expect(changed.row[0].title).to.equal(retitled.title);
    expect(changed.row[0].document).to.include("'amend'");
    expect(changed.words.find((w) => w.word === 'amended')).to.deep.equal({ word: 'amended', ndoc: 1 });

    const xmin = async () =>
      (await t.pool.query('SELECT xmin::text AS x FROM bill_search WHERE id = $1', [data.billId])).rows[0].x;
    const version = await xmin();
    await inTransaction(t.pool, (c) => indexBills(c, [retitled]));
    expect(await xmin()).to.equal(version);
    expect(await snapshot()).to.deep.equal(changed);
  });

  it("finds a Canadian bill by a word of its French title only (C-416, 'Mois du patrimoine hongrois')", async () => {
    await clear();
    const parsed = parseCaBillsXml(
      readFileSync(dataPath('ca/raw/bills/bills_recently_introduced.xml'), 'utf8'),
    );
    const c416 = parsed.find((p) => p.position === 'record 6 (C-416)');
    const bill = (asEvent(Command.parse((c416 as { command: unknown }).command)) as BillRecorded).data;
    const { document, latestActionDate } = billDocument(bill.billId, bill, [], null);
    await inTransaction(t.pool, (c) => indexBills(c, [billSearchRow(document, latestActionDate, false)]));
    const found = async (q: string) =>
      (
        await t.pool.query(
          `SELECT id FROM bill_search WHERE document @@ websearch_to_tsquery('english', $1)`,
          [q],
        )
      ).rows.map((r) => r.id);
    expect(await found('Hungarian heritage')).to.deep.equal([bill.billId]);
    expect(await found('patrimoine hongrois')).to.deep.equal([bill.billId]);
    expect(await found('"mois du patrimoine"')).to.deep.equal([bill.billId]);
  });

  it("finds a bill by its sponsor's name, at the subjects' weight, without touching highlights or facets", async () => {
    await clear();
    const row = rowWith([vote(1)]);
    expect(JSON.parse(row.hit).sponsor.name).to.equal('Rep. Yarmuth, John A. [D-KY-3]');
    expect(row.subjects.endsWith('; Yarmuth, John A.')).to.equal(true);
    await inTransaction(t.pool, (c) => indexBills(c, [row]));
    const { rows } = await t.pool.query(
      `SELECT id, ts_filter(document, '{c}') @@ q AS in_c, ts_filter(document, '{a,b,d}') @@ q AS elsewhere,
              sponsor_party FROM bill_search, websearch_to_tsquery('english', 'yarmuth') q WHERE document @@ q`,
    );
    expect(rows).to.deep.equal([{ id: data.billId, in_c: true, elsewhere: false, sponsor_party: 'D' }]);
    // Highlights are made of the title and summary only: the name is not marked anywhere.
    const marked = await t.pool.query(
      `SELECT count(*)::int AS n FROM bill_highlights WHERE title_map::text ILIKE '%yarmuth%' OR summary_map::text ILIKE '%yarmuth%'`,
    );
    expect(marked.rows[0].n).to.equal(0);
    // The party-state tag and the title are left out: "mi", "ky", "rep" do not match a sponsor.
    const rep = await t.pool.query(
      `SELECT count(*)::int AS n FROM bill_search WHERE ts_filter(document, '{c}') @@ websearch_to_tsquery('english', 'rep')`,
    );
    expect(rep.rows[0].n).to.equal(0);
  });
});
