import { readFileSync } from 'node:fs';
import pg from 'pg';
import { Command } from '../../command/contract/commands.ts';
import { decide } from '../../command/contract/decide.ts';
import { parseUsVote, type UsVoteJson } from '../../command/importers/usVote.ts';
import { withCredentials } from '../../infra/kernel/db.ts';
import { drainWholeMemberQueue } from '../../projector/members/memberQueue.ts';
import { createProjectorPool } from '../../projector/projectorPool.ts';
import { applyBatch } from '../../projector/runner/applyBatch.ts';
import { VIEWS } from '../../projector/views/viewRefresher.ts';
import { spread } from '../lib/context.ts';
import { DATA, DATASETS, ingestDirect, startSystem, waitForProjection } from '../lib/system.ts';

// The hot read queries, as the query service issues them; their plans are kept with the results.
const PLANS: Record<string, string> = {
  'vote by id': 'SELECT body FROM rm.votes WHERE id = (SELECT id FROM rm.votes ORDER BY id LIMIT 1)',
  'member by alias': `SELECT body FROM rm.members WHERE id = coalesce((SELECT member_id FROM rm.member_aliases
                       WHERE alias = 'us-lis-S354'), 'us-lis-S354')`,
  'bills page, latest first': `SELECT id, list_item FROM rm.bills WHERE NOT stub
                       ORDER BY coalesce(latest_action_date, '0001-01-01'::date) DESC, id DESC LIMIT 21`,
  'bills page, most votes, status filter': `SELECT id, list_item FROM rm.bills WHERE NOT stub AND status = 'enacted'
                       ORDER BY vote_count DESC, id DESC LIMIT 21`,
  'bills by subject': `SELECT id, list_item FROM rm.bills WHERE NOT stub AND subjects @> ARRAY['Taxation']
                       ORDER BY coalesce(latest_action_date, '0001-01-01'::date) DESC, id DESC LIMIT 21`,
  'votes page, senate': `SELECT id, list_item FROM rm.votes WHERE chamber = 'upper' ORDER BY voted_at DESC, id DESC LIMIT 21`,
  'member voting record': `SELECT vote_id, position FROM rm.ballots WHERE voter = ANY(ARRAY['us-B001230','us-lis-S354'])
                       ORDER BY voted_at DESC, vote_id DESC LIMIT 21`,
  'bills summary':
    'SELECT item FROM rm.bill_summary_mv ORDER BY latest_action_date DESC NULLS LAST, id LIMIT 20',
};

/**
 * What keeping aggregates fresh costs at this data size: a full REFRESH ... CONCURRENTLY of each view against
 * the incremental path (one new roll call applied to ballots, member and party counters, rolled back).
 */
export const viewsScenario = async (o: { dataset: string; runs: number }) => {
  const system = await startSystem('postgres');
  const admin = new pg.Pool({ connectionString: system.db.url, max: 2 });
  try {
    await ingestDirect(system, DATASETS[o.dataset]!);
    await waitForProjection(system);
    const size = (await admin.query('SELECT count(*)::int AS ballots FROM rm.ballots')).rows[0];
    const refresh: Record<string, ReturnType<typeof spread>> = {};
    for (const view of VIEWS) {
      const ms: number[] = [];
      for (let i = 0; i < o.runs; i++) {
        const t = performance.now();
        await admin.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY rm.${view}`);
        ms.push(performance.now() - t);
      }
      refresh[view] = spread(ms);
    }
    const projector = createProjectorPool(
      withCredentials(system.db.url, 'openpolicy_projector', 'openpolicy_projector'),
    );
    const incremental: number[] = [];
    const batchOnly: number[] = [];
    const vote = JSON.parse(readFileSync(`${DATA}us/117/votes/2021/h49/data.json`, 'utf8')) as UsVoteJson;
    for (let i = 0; i < o.runs; i++) {
      const event = decide(Command.parse(parseUsVote({ ...vote, number: 900_000 + i })), {
        recordedAt: new Date().toISOString(),
      });
      const client = await projector.connect();
      try {
        await client.query('BEGIN');
        const t = performance.now();
        await applyBatch(
          client,
          { consumer: 'bench', source: 'bench', partition: 0 },
          [{ offset: i, position: `bench:${i}`, payload: event }],
          null,
        );
        // The vote is visible once its batch commits; the ~430 member documents follow in the renderer's drain.
        batchOnly.push(performance.now() - t);
        await drainWholeMemberQueue(client);
        incremental.push(performance.now() - t);
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    }
    await projector.end();
    const plans: Record<string, string> = {};
    for (const [name, q] of Object.entries(PLANS)) {
      const r = await admin.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q}`);
      plans[name] = r.rows.map((row) => row['QUERY PLAN']).join('\n');
    }
    process.stderr.write(
      `  views ${o.dataset}: ${JSON.stringify(Object.fromEntries(Object.entries(refresh).map(([k, v]) => [k, Math.round(v.median)])))} ms; incremental ${Math.round(spread(incremental).median)} ms\n`,
    );
    return {
      params: o,
      ballots: size.ballots,
      refreshMs: refresh,
      incrementalVoteMs: spread(incremental),
      voteBatchMs: spread(batchOnly),
      plans,
    };
  } finally {
    await admin.end();
    await system.stop();
  }
};
