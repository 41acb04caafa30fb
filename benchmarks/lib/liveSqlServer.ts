/**
 * The live-SQL baseline: the same express 5 stack answering the same paths by querying normalized tables
 * at request time (joins and aggregates per request), as the seed's "optimized" CTE queries did.
 * argv: <databaseUrl> <port>
 */
import express from 'express';
import pg from 'pg';

const [databaseUrl, port] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, options: '-c search_path=rm' });
const app = express();

const send = (res: express.Response, rows: { doc: unknown }[] | null) => {
  if (rows) rows[0] ? res.json(rows[0].doc) : res.status(404).json({ title: 'not found' });
};

let inflight = 0;
/**
 * One query for one request. A request whose client has already gone (the load generator closed its
 * connections at the end of a run) is dropped when its turn for a pool connection comes: otherwise the queue
 * left behind by 32 clients at 1 req/s kept Postgres busy for half a minute into the next measurement.
 */
const query = async (req: express.Request, text: string, values: unknown[] = []) => {
  inflight++;
  try {
    const client = await pool.connect();
    try {
      if (req.socket.destroyed) return null;
      return (await client.query<{ doc: unknown }>(text, values)).rows;
    } finally {
      client.release();
    }
  } finally {
    inflight--;
  }
};

// How many requests are still being worked on: the scenario waits for 0 before it measures the next target.
app.get('/_inflight', (_req, res) => {
  res.json({ inflight });
});

// Per-party counts for one vote, computed from its ballots on every request.
app.get('/api/v1/votes/:id', async (req, res) => {
  const rows = await query(
    req,
    `WITH counts AS (
       SELECT party, position_class, count(*) AS n FROM ballots WHERE vote_id = $1 GROUP BY party, position_class)
     SELECT jsonb_build_object('id', v.id, 'date', v.voted_at, 'result', v.result,
              'totals', (SELECT jsonb_object_agg(position_class, n) FROM
                          (SELECT position_class, sum(n) AS n FROM counts GROUP BY 1) t),
              'parties', (SELECT jsonb_agg(jsonb_build_object('party', party, 'class', position_class, 'n', n)) FROM counts),
              'ballots', (SELECT jsonb_agg(jsonb_build_object('memberId', voter, 'name', name, 'party', party,
                                   'position', position) ORDER BY name) FROM ballots WHERE vote_id = v.id)) AS doc
     FROM votes v WHERE v.id = $1`,
    [req.params.id],
  );
  send(res, rows);
});

// The naive search baseline: every word as ILIKE '%word%' on title and summary (no index can serve it),
// the same filters, the count, status counts and the 20 latest matches.
app.get('/api/v1/bills/search', async (req, res) => {
  const q = String(req.query.q ?? '');
  const values: unknown[] = [];
  const where: string[] = [];
  for (const w of q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    values.push(`%${w}%`);
    where.push(`(title ILIKE $${values.length} OR summary ILIKE $${values.length})`);
  }
  const filters: Record<string, string> = {
    status: 'status',
    chamber: 'chamber',
    sponsorParty: 'sponsor_party',
    policyArea: 'policy_area',
  };
  for (const [param, column] of Object.entries(filters)) {
    if (typeof req.query[param] !== 'string') continue;
    values.push(req.query[param]);
    where.push(`${column} = $${values.length}`);
  }
  if (req.query.becameLaw) where.push(`became_law = ${req.query.becameLaw === 'true'}`);
  if (typeof req.query.introducedFrom === 'string') {
    values.push(req.query.introducedFrom);
    where.push(`introduced_date >= $${values.length}::date`);
  }
  const rows = await query(
    req,
    `WITH m AS (SELECT id, title, status, latest_action_date FROM bill_search WHERE ${where.join(' AND ') || 'true'})
     SELECT jsonb_build_object('total', (SELECT count(*) FROM m),
              'facets', (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM m GROUP BY 1) f),
              'hits', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'title', title)), '[]') FROM
                        (SELECT id, title FROM m ORDER BY latest_action_date DESC NULLS LAST, id LIMIT 20) p)) AS doc`,
    values,
  );
  send(res, rows);
});

// A bill with every roll call on it and yea/nay totals: the seed's vote_summary CTE joined to bills.
app.get('/api/v1/bills/:id', async (req, res) => {
  const rows = await query(
    req,
    `WITH vote_summary AS (
       SELECT b.vote_id, count(*) FILTER (WHERE b.position_class = 'yea') AS yea,
              count(*) FILTER (WHERE b.position_class = 'nay') AS nay, count(*) AS total
       FROM ballots b JOIN votes v ON v.id = b.vote_id WHERE v.bill_id = $1 GROUP BY b.vote_id)
     SELECT jsonb_build_object('id', s.id, 'title', s.data->>'title', 'status', s.data->>'status',
              'summary', s.data->'summary', 'sponsor', s.data->'sponsor',
              'votes', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', v.id, 'date', v.voted_at, 'result', v.result,
                                 'yea', vs.yea, 'nay', vs.nay) ORDER BY v.voted_at), '[]')
                        FROM votes v JOIN vote_summary vs ON vs.vote_id = v.id)) AS doc
     FROM bill_state s WHERE s.id = $1`,
    [req.params.id],
  );
  send(res, rows);
});

// A member's counters aggregated over all their ballots per request.
app.get('/api/v1/members/:id', async (req, res) => {
  const rows = await query(
    req,
    `WITH aliases AS (SELECT alias FROM member_aliases WHERE member_id = $1 UNION SELECT $1)
     SELECT jsonb_build_object('id', $1::text, 'profile', (SELECT profile - 'sources' FROM member_state WHERE id = $1),
              'rollCalls', count(*), 'notVoting', count(*) FILTER (WHERE b.position_class = 'not_voting'),
              'withParty', count(*) FILTER (WHERE b.with_party), 'againstParty', count(*) FILTER (WHERE NOT b.with_party))
              AS doc
     FROM ballots b WHERE b.voter IN (SELECT alias FROM aliases) HAVING count(*) > 0`,
    [req.params.id],
  );
  send(res, rows);
});

// The bill list with vote counts and yea/nay totals joined and grouped per request.
app.get('/api/v1/bills', async (req, res) => {
  const limit = Math.min(Number(req.query.limit ?? 20), 100);
  const rows = await query(
    req,
    `WITH vote_summary AS (
       SELECT v.bill_id, count(DISTINCT v.id) AS votes, count(*) FILTER (WHERE b.position_class = 'yea') AS yea,
              count(*) FILTER (WHERE b.position_class = 'nay') AS nay
       FROM votes v JOIN ballots b ON b.vote_id = v.id WHERE v.bill_id IS NOT NULL GROUP BY v.bill_id)
     SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'title', s.data->>'title',
              'status', s.data->>'status', 'voteCount', coalesce(vs.votes, 0), 'yea', vs.yea, 'nay', vs.nay)
              ORDER BY s.data #>> '{actions,-1,date}' DESC NULLS LAST, s.id DESC), '[]')) AS doc
     FROM (SELECT * FROM bill_state ORDER BY data #>> '{actions,-1,date}' DESC NULLS LAST, id DESC LIMIT $1) s
     LEFT JOIN vote_summary vs ON vs.bill_id = s.id`,
    [limit],
  );
  send(res, rows);
});

// The dashboard computed from the base tables per request (what the materialized view stores).
app.get('/api/v1/dashboard/summary', async (req, res) => {
  const rows = await query(
    req,
    `SELECT jsonb_build_object(
       'billsByStatus', (SELECT jsonb_object_agg(st, n) FROM (SELECT data->>'status' AS st, count(*) AS n FROM bill_state GROUP BY 1) s),
       'closestVotes', (SELECT jsonb_agg(x) FROM (SELECT vote_id, abs(sum(CASE position_class WHEN 'yea' THEN 1 WHEN 'nay' THEN -1 ELSE 0 END)) AS margin
                          FROM ballots GROUP BY vote_id ORDER BY 2, 1 LIMIT 10) x),
       'topDissenters', (SELECT jsonb_agg(x) FROM (SELECT voter, count(*) AS n FROM ballots WHERE with_party = false
                          GROUP BY voter ORDER BY 2 DESC, 1 LIMIT 10) x),
       'partyUnity', (SELECT jsonb_agg(x) FROM (SELECT party, round(100.0 * count(*) FILTER (WHERE with_party) /
                          nullif(count(*) FILTER (WHERE with_party IS NOT NULL), 0), 2) AS unity FROM ballots GROUP BY party) x)
     ) AS doc`,
  );
  send(res, rows);
});

app.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
