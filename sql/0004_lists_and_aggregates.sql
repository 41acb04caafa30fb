-- Up Migration
-- Filterable, sortable lists and the wide aggregates behind the dashboard.

-- Bills: the columns every list filter and sort reads, each sort with its keyset index.
ALTER TABLE rm.bills
  ADD COLUMN origin_chamber text,
  ADD COLUMN policy_area    text,
  ADD COLUMN subjects       text[] NOT NULL DEFAULT '{}',
  ADD COLUMN sponsor_id     text,
  ADD COLUMN became_law     boolean NOT NULL DEFAULT false,
  ADD COLUMN yea_total      int NOT NULL DEFAULT 0,
  ADD COLUMN nay_total      int NOT NULL DEFAULT 0;
CREATE INDEX bills_introduced_idx ON rm.bills ((coalesce(introduced_date, '0001-01-01'::date)) DESC, id DESC);
CREATE INDEX bills_votes_idx ON rm.bills (vote_count DESC, id DESC);
CREATE INDEX bills_subjects_idx ON rm.bills USING gin (subjects);
CREATE INDEX bills_sponsor_idx ON rm.bills (sponsor_id);

-- Votes: list entries and the margin that "closest votes" ranks by.
ALTER TABLE rm.votes
  ADD COLUMN margin    int,
  ADD COLUMN list_item text NOT NULL DEFAULT '{}';
CREATE INDEX votes_chamber_date_idx ON rm.votes (chamber, voted_at DESC, id DESC);

-- Members: every alias, so a voting record is one index range scan over rm.ballots.
ALTER TABLE rm.members ADD COLUMN aliases text[] NOT NULL DEFAULT '{}';

-- Party counters maintained by the same deltas as voter_stats (party at the time of each vote).
CREATE TABLE rm.party_stats (
  jurisdiction  text NOT NULL,
  party         text NOT NULL,
  ballots       int  NOT NULL DEFAULT 0,
  with_party    int  NOT NULL DEFAULT 0,
  against_party int  NOT NULL DEFAULT 0,
  PRIMARY KEY (jurisdiction, party)
);
CREATE INDEX voter_stats_dissent_idx ON rm.voter_stats (against_party DESC, voter);

-- When each materialized view was refreshed, and up to which log position.
CREATE TABLE rm.view_refresh (
  view_name    text PRIMARY KEY,
  position     text        NOT NULL,
  refreshed_at timestamptz NOT NULL,
  duration_ms  int         NOT NULL
);

-- The seed's bills summary: bills that were voted on, with vote counts and yea/nay totals.
CREATE MATERIALIZED VIEW rm.bill_summary_mv AS
SELECT b.id, b.status, b.latest_action_date,
       jsonb_build_object('id', b.id, 'title', b.list_item::jsonb ->> 'title', 'status', b.status,
                          'latestActionDate', b.latest_action_date, 'voteCount', b.vote_count,
                          'yeaTotal', b.yea_total, 'nayTotal', b.nay_total)::text AS item
FROM rm.bills b
WHERE b.vote_count > 0;
CREATE UNIQUE INDEX bill_summary_mv_id ON rm.bill_summary_mv (id);
CREATE INDEX bill_summary_mv_status ON rm.bill_summary_mv (status, latest_action_date DESC NULLS LAST, id);
CREATE INDEX bill_summary_mv_latest ON rm.bill_summary_mv (latest_action_date DESC NULLS LAST, id);

-- The dashboard: one row holding the whole answer. "Last 7/30 days" count back from the newest vote.
CREATE MATERIALIZED VIEW rm.dashboard_mv AS
WITH newest AS (SELECT max(voted_at) AS at FROM rm.votes)
SELECT 1 AS id, jsonb_build_object(
  'billsByStatus', (SELECT coalesce(jsonb_object_agg(status, n), '{}') FROM
                     (SELECT coalesce(status, 'unknown') AS status, count(*) AS n FROM rm.bills WHERE NOT stub GROUP BY 1) s),
  'bills', (SELECT count(*) FROM rm.bills WHERE NOT stub),
  'votes', jsonb_build_object(
     'total', (SELECT count(*) FROM rm.votes),
     'newest', (SELECT at FROM newest),
     'last7Days', (SELECT count(*) FROM rm.votes, newest WHERE voted_at > newest.at - interval '7 days'),
     'last30Days', (SELECT count(*) FROM rm.votes, newest WHERE voted_at > newest.at - interval '30 days')),
  'closestVotes', (SELECT coalesce(jsonb_agg(item ORDER BY abs_margin, voted_at DESC, id), '[]') FROM
                    (SELECT list_item::jsonb AS item, abs(margin) AS abs_margin, voted_at, id FROM rm.votes
                     WHERE margin IS NOT NULL AND (summary #>> '{totals,yea}')::int + (summary #>> '{totals,nay}')::int > 0
                     ORDER BY abs(margin), voted_at DESC, id LIMIT 10) c),
  'topDissenters', (SELECT coalesce(jsonb_agg(d ORDER BY d."againstParty" DESC, d."memberId"), '[]') FROM
                     (SELECT coalesce(a.member_id, s.voter) AS "memberId",
                             coalesce(ms.profile #>> '{name,full}',
                                      (SELECT name FROM rm.ballots b WHERE b.voter = s.voter ORDER BY voted_at DESC LIMIT 1)) AS name,
                             s.against_party AS "againstParty", s.with_party AS "withParty"
                      FROM rm.voter_stats s
                      LEFT JOIN rm.member_aliases a ON a.alias = s.voter
                      LEFT JOIN rm.member_state ms ON ms.id = a.member_id
                      WHERE s.against_party > 0
                      ORDER BY s.against_party DESC, s.voter LIMIT 10) d),
  'partyUnity', (SELECT coalesce(jsonb_agg(jsonb_build_object('jurisdiction', jurisdiction, 'party', party,
                            'withParty', with_party, 'againstParty', against_party,
                            'unityPct', round(100.0 * with_party / nullif(with_party + against_party, 0), 2))
                          ORDER BY with_party + against_party DESC, party), '[]')
                 FROM rm.party_stats WHERE with_party + against_party > 0),
  'recentBills', (SELECT coalesce(jsonb_agg(item ORDER BY d DESC, id DESC), '[]') FROM
                   (SELECT list_item::jsonb AS item, latest_action_date AS d, id FROM rm.bills
                    WHERE NOT stub AND latest_action_date IS NOT NULL
                    ORDER BY latest_action_date DESC, id DESC LIMIT 10) r)
)::text AS body;
CREATE UNIQUE INDEX dashboard_mv_id ON rm.dashboard_mv (id);

-- REFRESH needs ownership: the projector owns the views it refreshes.
ALTER MATERIALIZED VIEW rm.bill_summary_mv OWNER TO openpolicy_projector;
ALTER MATERIALIZED VIEW rm.dashboard_mv OWNER TO openpolicy_projector;
GRANT SELECT ON rm.bill_summary_mv, rm.dashboard_mv, rm.party_stats, rm.view_refresh TO openpolicy_query;
GRANT SELECT, INSERT, UPDATE, DELETE ON rm.party_stats, rm.view_refresh TO openpolicy_projector;
