import type pg from 'pg';
import type { BillRecorded } from '../../command/bill/bill.ts';
import { memberAlias } from '../../command/contract/ids.ts';
import { toDoc } from '../document.ts';
import { type BillSearchRow, billSearchRow, indexBills } from '../search/billSearch.ts';
import { jsonRows } from '../sql.ts';
import { billDocument, type VoteSummary } from './billDocument.ts';

/** Re-renders the documents of the given bills inside the batch's transaction. */
export const renderBills = async (client: pg.ClientBase, ids: readonly string[], position: string) => {
  if (ids.length === 0) return;
  const { rows } = await client.query<{
    id: string;
    data: BillRecorded['data'] | null;
    votes: (VoteSummary & { billTitle: string | null })[];
  }>(
    `SELECT i.id, s.data,
            coalesce((SELECT jsonb_agg(v.summary ORDER BY v.voted_at, v.id)
                      FROM votes v WHERE v.bill_id = i.id), '[]'::jsonb) AS votes
     FROM unnest($1::text[]) AS i(id) LEFT JOIN bill_state s ON s.id = i.id`,
    [ids],
  );
  const rowsOut = jsonRows({
    id: 'text',
    jurisdiction: 'text',
    session: 'text',
    status: 'text',
    introduced_date: 'date',
    latest_action_date: 'date',
    vote_count: 'int',
    stub: 'boolean',
    list_item: 'text',
    body: 'text',
    etag: 'text',
    position: 'text',
    origin_chamber: 'text',
    policy_area: 'text',
    subjects: 'text[]',
    sponsor_id: 'text',
    became_law: 'boolean',
    yea_total: 'int',
    nay_total: 'int',
  });
  const searchRows: BillSearchRow[] = [];
  // A stub whose last roll call moved to another bill is removed, as if it had never been seen.
  const gone: string[] = [];
  for (const r of rows) {
    if (r.data === null && r.votes.length === 0) {
      gone.push(r.id);
      continue;
    }
    const stubTitle = r.votes.find((v) => v.billTitle)?.billTitle ?? null;
    const votes = r.votes.map(({ billTitle: _t, ...v }) => v);
    const { document, listItem, latestActionDate } = billDocument(r.id, r.data, votes, stubTitle);
    const totals = votes.reduce(
      (acc, v) => ({ yea: acc.yea + (v.totals?.yea ?? 0), nay: acc.nay + (v.totals?.nay ?? 0) }),
      { yea: 0, nay: 0 },
    );
    const sponsorRef = r.data?.sponsor?.ref;
    const becameLaw = (r.data?.laws.length ?? 0) > 0 || r.data?.status === 'enacted';
    // A stub (a bill known only from a roll call) is not searchable until its record arrives.
    if (r.data) searchRows.push(billSearchRow(document, latestActionDate, becameLaw));
    const doc = toDoc(document);
    rowsOut.push([
      r.id,
      document.jurisdiction,
      document.session ?? r.id.split('-')[1],
      document.status,
      document.introducedDate,
      latestActionDate,
      votes.length,
      r.data === null,
      JSON.stringify(listItem),
      doc.body,
      doc.etag,
      position,
      r.data?.originChamber ?? null,
      r.data?.policyArea ?? null,
      r.data?.subjects ?? [],
      sponsorRef && r.data ? memberAlias(r.data.jurisdiction, sponsorRef) : null,
      becameLaw,
      totals.yea,
      totals.nay,
    ]);
  }
  if (gone.length) await client.query('DELETE FROM bills WHERE id = ANY($1::text[]) AND stub', [gone]);
  if (rowsOut.length === 0) return;
  await client.query(
    `INSERT INTO bills (id, jurisdiction, session, status, introduced_date, latest_action_date, vote_count, stub,
                           list_item, body, etag, position, origin_chamber, policy_area, subjects, sponsor_id, became_law,
                           yea_total, nay_total)
     SELECT ${rowsOut.columns()} FROM ${rowsOut.source(1)}
     ON CONFLICT (id) DO UPDATE SET jurisdiction = EXCLUDED.jurisdiction, session = EXCLUDED.session,
       status = EXCLUDED.status, introduced_date = EXCLUDED.introduced_date,
       latest_action_date = EXCLUDED.latest_action_date, vote_count = EXCLUDED.vote_count, stub = EXCLUDED.stub,
       list_item = EXCLUDED.list_item, body = EXCLUDED.body, etag = EXCLUDED.etag, position = EXCLUDED.position,
       origin_chamber = EXCLUDED.origin_chamber, policy_area = EXCLUDED.policy_area, subjects = EXCLUDED.subjects,
       sponsor_id = EXCLUDED.sponsor_id, became_law = EXCLUDED.became_law, yea_total = EXCLUDED.yea_total,
       nay_total = EXCLUDED.nay_total`,
    [rowsOut.param()],
  );
  await indexBills(client, searchRows);
};
