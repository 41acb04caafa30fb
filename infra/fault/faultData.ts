import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { Command } from '../../command/contract/commands.ts';
import { decide } from '../../command/contract/decide.ts';
import type { EventEnvelope } from '../../command/contract/events.ts';
import { parseUsBillStatus } from '../../command/importers/usBillStatus.ts';
import { parseLegislatorsYaml } from '../../command/importers/usLegislators.ts';
import { parseUsVote, type UsVoteJson } from '../../command/importers/usVote.ts';
import { readModelChecksums } from '../../projector/rebuild/readModelChecksums.ts';
import { VIEWS } from '../../projector/views/viewRefresher.ts';
import { dataPath, readJson } from '../testing/realData.ts';

/** Fault runs replay long real logs; `FAULT_LONG=1` (npm run test:fault:long) takes all of us/117. */
export const LONG = process.env.FAULT_LONG === '1';

// A fixed recording time: two runs over the same events must not differ by when they were built.
const META = { recordedAt: '2026-01-01T00:00:00.000Z', source: 'fault-test' };

/**
 * Real us/117 events: the sitting legislators, every `stride`-th roll call (all with stride 1), and the bill
 * file of each bill those roll calls name, interleaved so members, votes and bills arrive in mixed order.
 */
export const us117Events = (stride: number, o: { members?: boolean } = {}): EventEnvelope[] => {
  const legislators =
    o.members === false
      ? []
      : parseLegislatorsYaml(readFileSync(dataPath('us/legislators/legislators-current.yaml'), 'utf8'));
  const members = legislators.flatMap((p) =>
    'command' in p ? [decide(Command.parse(p.command), META)] : [],
  );
  const rels = ['2021', '2022'].flatMap((year) =>
    readdirSync(dataPath(`us/117/votes/${year}`))
      .sort()
      .map((dir) => `${year}/${dir}`),
  );
  const votes: EventEnvelope[] = [];
  const bills = new Map<string, EventEnvelope>();
  for (const rel of rels.filter((_, i) => i % stride === 0)) {
    const json = readJson<UsVoteJson>(`us/117/votes/${rel}/data.json`);
    votes.push(decide(Command.parse(parseUsVote(json)), META));
    const file =
      json.bill && `us/117/bills/${json.bill.type}/${json.bill.type}${json.bill.number}/fdsys_billstatus.xml`;
    if (file && !bills.has(file) && existsSync(dataPath(file))) {
      bills.set(file, decide(Command.parse(parseUsBillStatus(readFileSync(dataPath(file), 'utf8'))), META));
    }
  }
  // Votes first in places (stub members and bills), records later: cross-aggregate order is not guaranteed.
  const billList = [...bills.values()];
  const out: EventEnvelope[] = [];
  const longest = Math.max(members.length, votes.length, billList.length);
  for (let i = 0; i < longest; i++) {
    for (const list of [votes, members, billList]) if (list[i]) out.push(list[i]!);
  }
  return out;
};

export const checkpoint = async (admin: pg.Pool, consumer = 'projector-main') =>
  (
    await admin.query<{ next_offset: number }>(
      "SELECT next_offset FROM projector.checkpoints WHERE consumer = $1 AND source = 'postgres'",
      [consumer],
    )
  ).rows[0]?.next_offset ?? 1;

/**
 * Caught up: every event up to `last` applied, the members it touched rendered, and both views refreshed at
 * the last batch's position.
 */
export const caughtUp = async (admin: pg.Pool, last: number) => {
  if ((await checkpoint(admin)) <= last) return false;
  if ((await admin.query('SELECT 1 FROM rm.member_dirty LIMIT 1')).rowCount) return false;
  const views = await admin.query<{ position: string }>('SELECT position FROM rm.view_refresh');
  const at = await admin.query<{ position: string }>(
    "SELECT position FROM rm.freshness WHERE read_model = 'votes'",
  );
  return views.rows.length === VIEWS.length && views.rows.every((v) => v.position === at.rows[0]?.position);
};

/** Checksums of every read-model table plus the materialized views, ignoring log positions. */
export const allChecksums = async (db: pg.Pool | pg.ClientBase, schema = 'rm') => {
  const out: Record<string, string> = await readModelChecksums(db, schema);
  for (const view of VIEWS) {
    const r = await db.query<{ rows: number; digest: string }>(
      `SELECT count(*)::int AS rows,
              md5(coalesce(string_agg(to_jsonb(t)::text, '|' ORDER BY to_jsonb(t)::text), '')) AS digest
       FROM ${schema}.${view} t`,
    );
    out[view] = `${r.rows[0]!.rows}:${r.rows[0]!.digest}`;
  }
  return out;
};
