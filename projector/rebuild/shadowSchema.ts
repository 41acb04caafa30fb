import type pg from 'pg';

const IDENT = /^[a-z_][a-z0-9_]*$/;
const RELOPTION = /^[a-z_]+=[a-z0-9_.]+$/;
const ident = (name: string) => {
  if (!IDENT.test(name)) throw new Error(`invalid identifier ${name}`);
  return name;
};

/**
 * Creates `target` as an empty copy of `source`: every table with its columns, defaults, constraints and
 * indexes, then every materialized view re-pointed at the copies, with the same grants and owners.
 */
export const createShadowSchema = async (client: pg.ClientBase, source: string, target: string) => {
  const [src, dst] = [ident(source), ident(target)];
  await client.query(`DROP SCHEMA IF EXISTS ${dst} CASCADE`);
  await client.query(`CREATE SCHEMA ${dst}`);
  const tables = await client.query<{ name: string; reloptions: string[] | null; owner: string }>(
    `SELECT c.relname AS name, c.reloptions, pg_get_userbyid(c.relowner) AS owner
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`,
    [src],
  );
  const me = (await client.query<{ me: string }>('SELECT current_user AS me')).rows[0]!.me;
  for (const { name, reloptions, owner } of tables.rows) {
    await client.query(`CREATE TABLE ${dst}.${ident(name)} (LIKE ${src}.${ident(name)} INCLUDING ALL)`);
    // The projector owns the tables it drops and builds indexes of (rm.ballots, sql/0011).
    if (owner !== me) await client.query(`ALTER TABLE ${dst}.${ident(name)} OWNER TO ${ident(owner)}`);
    // LIKE copies columns' storage but not the table's options (toast_tuple_target, fillfactor...).
    const options = (reloptions ?? []).map((o) => {
      if (!RELOPTION.test(o)) throw new Error(`unexpected table option ${o}`);
      return o;
    });
    if (options.length) await client.query(`ALTER TABLE ${dst}.${ident(name)} SET (${options.join(', ')})`);
  }
  const views = await client.query<{ name: string; definition: string; owner: string }>(
    `SELECT c.relname AS name, pg_get_viewdef(c.oid) AS definition, pg_get_userbyid(c.relowner) AS owner
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'm' ORDER BY c.relname`,
    [src],
  );
  for (const v of views.rows) {
    // Definitions name their tables schema-qualified (the session's search_path excludes them).
    const definition = v.definition.replace(new RegExp(`\\b${src}\\.`, 'g'), `${dst}.`);
    await client.query(
      `CREATE MATERIALIZED VIEW ${dst}.${ident(v.name)} AS ${definition.replace(/;\s*$/, '')}`,
    );
    const indexes = await client.query<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
      [src, v.name],
    );
    for (const { def } of indexes.rows) {
      await client.query(def.replace(` ON ${src}.`, ` ON ${dst}.`));
    }
    await client.query(`ALTER MATERIALIZED VIEW ${dst}.${ident(v.name)} OWNER TO ${ident(v.owner)}`);
  }
  await client.query(`GRANT USAGE ON SCHEMA ${dst} TO openpolicy_query, openpolicy_projector`);
  // As on rm (sql/0011): the projector builds the ballots' indexes a first load deferred.
  await client.query(`GRANT CREATE ON SCHEMA ${dst} TO openpolicy_projector`);
  await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${dst} TO openpolicy_query`);
  await client.query(
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${dst} TO openpolicy_projector`,
  );
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${dst} GRANT SELECT ON TABLES TO openpolicy_query`);
  await client.query(
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${dst} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO openpolicy_projector`,
  );
  return { tables: tables.rows.length, views: views.rows.length };
};
