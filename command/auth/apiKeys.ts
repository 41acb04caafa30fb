import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';

export const SCOPES = ['write', 'read'] as const;
export type Scope = (typeof SCOPES)[number];

export type ApiKey = Readonly<{ id: string; name: string; scopes: Scope[] }>;

const hash = (secret: string) => createHash('sha256').update(secret).digest();

const KEY_PATTERN = /^op_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Creates a key; the secret is shown once and only its SHA-256 is stored. */
export const createApiKey = async (pool: pg.Pool, name: string, scopes: Scope[]) => {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await pool.query('INSERT INTO command.api_keys (id, name, secret_hash, scopes) VALUES ($1, $2, $3, $4)', [
    id,
    name,
    hash(secret),
    scopes,
  ]);
  return { id, key: `op_${id}_${secret}` };
};

/**
 * The key id in what a user gives `apikey revoke`: the id itself, `op_<id>`, or the whole key (which is what
 * they have at hand: the id alone is only ever shown in the line that created it). Null if none of these.
 */
export const apiKeyId = (given: string) => {
  const text = given.trim();
  const m = KEY_PATTERN.exec(text) ?? /^(?:op_)?([a-f0-9]{12})$/.exec(text);
  return m?.[1] ?? null;
};

export const revokeApiKey = async (pool: pg.Pool, id: string) => {
  const r = await pool.query(
    'UPDATE command.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  return (r.rowCount ?? 0) > 0;
};

/** Returns the key if the presented token is a live key; constant-time comparison of the hashes. */
export const verifyApiKey = async (pool: pg.Pool, token: string): Promise<ApiKey | null> => {
  const m = KEY_PATTERN.exec(token);
  if (!m) return null;
  const row = await pool.query<{ id: string; name: string; secret_hash: Buffer; scopes: Scope[] }>(
    'SELECT id, name, secret_hash, scopes FROM command.api_keys WHERE id = $1 AND revoked_at IS NULL',
    [m[1]],
  );
  const key = row.rows[0];
  // Hash even when the id is unknown so that timing does not reveal which ids exist.
  const presented = hash(m[2]!);
  const stored = key?.secret_hash ?? Buffer.alloc(presented.length);
  if (!timingSafeEqual(presented, stored) || !key) return null;
  return { id: key.id, name: key.name, scopes: key.scopes };
};
