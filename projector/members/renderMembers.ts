import type pg from 'pg';
import { toDoc } from '../document.ts';
import { jsonRows } from '../sql.ts';
import { loadMemberInputs, ZERO } from './loadMemberInputs.ts';
import { memberDocument } from './memberDocument.ts';

/**
 * Re-renders the members behind the given voter keys and member ids. A voter key no member claims yet
 * (a senator's LIS id before the legislators file arrives) gets a stub document under that key; a stub whose
 * last ballot was taken back (a complete roll without it) is removed, as if it had never been seen.
 */
export const renderMembers = async (client: pg.ClientBase, keys: readonly string[], position: string) => {
  if (keys.length === 0) return;
  const out = jsonRows({
    id: 'text',
    stub: 'boolean',
    body: 'text',
    etag: 'text',
    position: 'text',
    aliases: 'text[]',
  });
  const gone: string[] = [];
  for (const m of await loadMemberInputs(client, keys)) {
    if (!m.profile && !m.stats) {
      gone.push(m.id);
      continue;
    }
    const doc = toDoc(memberDocument(m.id, m.profile, m.aliases, m.stats ?? ZERO, m.dissents, m.lastSeen));
    out.push([m.id, m.profile === null, doc.body, doc.etag, position, m.aliases]);
  }
  if (gone.length) await client.query('DELETE FROM members WHERE id = ANY($1::text[]) AND stub', [gone]);
  if (out.length === 0) return;
  await client.query(
    `INSERT INTO members (id, stub, body, etag, position, aliases)
     SELECT ${out.columns()} FROM ${out.source(1)}
     ON CONFLICT (id) DO UPDATE SET stub = EXCLUDED.stub, body = EXCLUDED.body, etag = EXCLUDED.etag,
       position = EXCLUDED.position, aliases = EXCLUDED.aliases`,
    [out.param()],
  );
};
