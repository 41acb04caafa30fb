import { Meilisearch, type Settings } from 'meilisearch';
import type pg from 'pg';
import pgListen from 'pg-listen';
import type { Logger } from 'pino';

/** The projector's change channel (runner/applyBatch.ts). */
const CHANGES_CHANNEL = 'openpolicy_rm_changed';
export const MEILI_INDEXES = { bills: 'bills', votes: 'votes' } as const;
type IndexName = keyof typeof MEILI_INDEXES;

const day = (date: unknown) => (date ? Math.floor(Date.parse(String(date)) / 86_400_000) : null);

/**
 * Index settings, managed in code and applied on start. The query service (query/search/meiliSearch.ts)
 * filters and facets on exactly these attributes.
 */
export const MEILI_SETTINGS: Record<IndexName, Settings> = {
  bills: {
    searchableAttributes: ['keys', 'label', 'title', 'otherTitles', 'summary', 'subjects'],
    filterableAttributes: [
      'chamber',
      'status',
      'policyArea',
      'sponsorParty',
      'session',
      'becameLaw',
      'introducedDay',
    ],
    sortableAttributes: ['latestActionDay', 'voteCount'],
    displayedAttributes: ['id', 'hit', 'title', 'summary'],
    rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'voteCount:desc'],
    typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 4, twoTypos: 8 } },
    synonyms: {
      healthcare: ['health care'],
      'health care': ['healthcare'],
      gun: ['firearm'],
      firearm: ['gun'],
      covid: ['covid-19', 'coronavirus'],
      coronavirus: ['covid-19', 'covid'],
    },
    pagination: { maxTotalHits: 20_000 },
    faceting: { maxValuesPerFacet: 100 },
  },
  votes: {
    searchableAttributes: ['question', 'billTitle', 'category'],
    filterableAttributes: ['chamber', 'session', 'result', 'category', 'votedDay'],
    sortableAttributes: ['votedDay'],
    displayedAttributes: ['id', 'hit', 'question'],
    typoTolerance: { enabled: true },
    pagination: { maxTotalHits: 50_000 },
  },
};

/** Meilisearch documents from the read models, in one query per kind; `ids` null: all of them. */
const loadDocuments = async (pool: pg.Pool, kind: IndexName, ids: readonly string[] | null) => {
  if (kind === 'bills') {
    const { rows } = await pool.query(
      `SELECT id, keys, title, other_titles, summary, subjects, chamber, status, policy_area, sponsor_party,
              session, became_law, introduced_date, latest_action_date, vote_count, hit
       FROM bill_search ${ids ? 'WHERE id = ANY($1::text[])' : ''}`,
      ids ? [ids] : [],
    );
    return rows.map((r) => ({
      id: r.id,
      label: (JSON.parse(r.hit) as { label: string | null }).label,
      keys: r.keys,
      title: r.title,
      otherTitles: r.other_titles,
      summary: r.summary,
      subjects: r.subjects,
      chamber: r.chamber,
      status: r.status,
      policyArea: r.policy_area,
      sponsorParty: r.sponsor_party,
      session: r.session,
      becameLaw: r.became_law,
      introducedDay: day(r.introduced_date),
      latestActionDay: day(r.latest_action_date),
      voteCount: r.vote_count,
      hit: r.hit,
    }));
  }
  const { rows } = await pool.query(
    `SELECT id, summary ->> 'question' AS question, summary ->> 'billTitle' AS bill_title, category, chamber,
            session, result, vote_date::text AS vote_date, (list_item::jsonb || jsonb_build_object('session', session))::text AS hit
     FROM votes ${ids ? 'WHERE id = ANY($1::text[])' : ''}`,
    ids ? [ids] : [],
  );
  return rows.map((r) => ({
    id: r.id,
    question: r.question,
    billTitle: r.bill_title,
    category: r.category,
    chamber: r.chamber,
    session: r.session,
    result: r.result,
    // The day in the legislature's own time (sql/0016).
    votedDay: day(r.vote_date),
    hit: r.hit,
  }));
};

export type MeiliOptions = Readonly<{
  host: string;
  apiKey?: string;
  prefix?: string;
  logger: Logger;
  /** Called for each task that failed or was not confirmed (the projector counts them in /metrics). */
  onTaskFailure?: () => void;
}>;

export const createMeiliIndex = (o: MeiliOptions) => {
  const client = new Meilisearch({ host: o.host, ...(o.apiKey ? { apiKey: o.apiKey } : {}) });
  const uid = (kind: IndexName) => `${o.prefix ?? ''}${MEILI_INDEXES[kind]}`;
  let failures = 0;
  /** Waits for a task in the background; a failed task is logged and counted, never silently lost. */
  const watch = (kind: IndexName, task: ReturnType<ReturnType<typeof client.index>['addDocuments']>) =>
    task
      .waitTask({ timeout: 120_000 })
      .then((t) => {
        if (t.status !== 'succeeded') {
          failures++;
          o.onTaskFailure?.();
          o.logger.error(
            { index: uid(kind), task: t.uid, status: t.status, error: t.error },
            'meilisearch task failed',
          );
        }
        return t;
      })
      .catch((err) => {
        failures++;
        o.onTaskFailure?.();
        o.logger.error({ err, index: uid(kind) }, 'meilisearch task not confirmed');
        return null;
      });

  return {
    client,
    uid,
    failures: () => failures,
    async applySettings() {
      for (const kind of Object.keys(MEILI_INDEXES) as IndexName[]) {
        await client.index(uid(kind)).updateSettings(MEILI_SETTINGS[kind]).waitTask({ timeout: 120_000 });
      }
    },
    /** Upserts the documents of changed rows in one task per kind (not one per event). */
    async upsert(pool: pg.Pool, kind: IndexName, ids: readonly string[]) {
      if (ids.length === 0) return null;
      const docs = await loadDocuments(pool, kind, ids);
      return watch(kind, client.index(uid(kind)).addDocuments(docs, { primaryKey: 'id' }));
    },
    /**
     * Full reindex without an empty moment: fill `<index>_next` with the same settings, swap it with the live
     * index (atomic in Meilisearch), drop the old one.
     */
    async reindex(pool: pg.Pool, kind: IndexName) {
      const live = uid(kind);
      const next = `${live}_next`;
      await client.deleteIndexIfExists(next);
      await client.index(next).updateSettings(MEILI_SETTINGS[kind]).waitTask({ timeout: 120_000 });
      const docs = await loadDocuments(pool, kind, null);
      for (let i = 0; i < docs.length; i += 5_000) {
        const t = await watch(
          kind,
          client.index(next).addDocuments(docs.slice(i, i + 5_000), { primaryKey: 'id' }),
        );
        if (t?.status !== 'succeeded')
          throw new Error(`reindex of ${live} failed; the live index is unchanged`);
      }
      await client
        .createIndex(live, { primaryKey: 'id' })
        .waitTask({ timeout: 120_000 })
        .catch(() => null);
      await client.swapIndexes([{ indexes: [live, next], rename: false }]).waitTask({ timeout: 120_000 });
      await client.deleteIndexIfExists(next);
      return docs.length;
    },
  };
};

export type MeiliIndex = ReturnType<typeof createMeiliIndex>;

/**
 * Keeps Meilisearch in step with the read models: listens to the projector's change notifications, batches
 * the changed ids for `flushMs`, and upserts them in one task per kind. On start, and whenever notifications
 * may have been missed (connection lost, a rebuild switched schemas), it reindexes everything with a swap.
 */
export const startMeiliIndexer = async (o: {
  index: MeiliIndex;
  pool: pg.Pool;
  listenUrl: string;
  logger: Logger;
  flushMs?: number;
}) => {
  const pending = { bills: new Set<string>(), votes: new Set<string>() };
  let full = true;
  let running: Promise<void> = Promise.resolve();
  const flush = () => {
    running = running.then(async () => {
      try {
        if (full) {
          full = false;
          for (const kind of ['bills', 'votes'] as const) pending[kind].clear();
          for (const kind of ['bills', 'votes'] as const) await o.index.reindex(o.pool, kind);
          return;
        }
        for (const kind of ['bills', 'votes'] as const) {
          const ids = [...pending[kind]];
          pending[kind].clear();
          await o.index.upsert(o.pool, kind, ids);
        }
      } catch (err) {
        full = true;
        o.logger.error({ err }, 'meilisearch sync failed; a full reindex follows');
      }
    });
  };
  const timer = setInterval(flush, o.flushMs ?? 250);
  timer.unref();
  const subscriber = pgListen.default(
    { connectionString: o.listenUrl, application_name: 'openpolicy-meili-indexer' },
    { parse: (text: string) => text, retryTimeout: 0, paranoidChecking: 5_000 },
  );
  subscriber.notifications.on(CHANGES_CHANNEL, (payload: string) => {
    try {
      const c = JSON.parse(payload) as { all?: boolean; bills?: string[]; votes?: string[] };
      if (c.all) full = true;
      for (const id of c.bills ?? []) pending.bills.add(id);
      for (const id of c.votes ?? []) pending.votes.add(id);
    } catch {
      full = true;
    }
  });
  subscriber.events.on('reconnect', () => {
    full = true;
  });
  subscriber.events.on('error', (err: Error) => o.logger.warn({ err }, 'meilisearch indexer listener error'));
  await o.index.applySettings();
  await subscriber.connect();
  await subscriber.listenTo(CHANGES_CHANNEL);
  flush();
  return {
    /** Resolves when everything noticed so far is in Meilisearch (tasks enqueued and confirmed). */
    idle: () => running,
    async stop() {
      clearInterval(timer);
      await running;
      await subscriber.close();
    },
  };
};
