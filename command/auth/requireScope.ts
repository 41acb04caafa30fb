import type { RequestHandler } from 'express';
import type pg from 'pg';
import { AppError, Forbidden, Unauthorized, Unavailable } from '../../infra/kernel/errors.ts';
import { type ApiKey, type Scope, verifyApiKey } from './apiKeys.ts';

declare module 'express-serve-static-core' {
  interface Request {
    apiKey?: ApiKey;
  }
}

const tokenOf = (header: string | undefined, xApiKey: string | undefined) => {
  if (xApiKey) return xApiKey.trim();
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1] ?? null;
};

/** Every write-side route sits behind this: a live API key carrying the scope. */
export const requireScope =
  (pool: pg.Pool, scope: Scope): RequestHandler =>
  async (req, _res, next) => {
    try {
      const token = tokenOf(req.headers.authorization, req.header('x-api-key'));
      if (!token) throw new Unauthorized('an API key is required (Authorization: Bearer <key>)');
      // The key store being unreachable is a retriable 503, never a 401 that reads as "bad key".
      const key = await verifyApiKey(pool, token).catch((err: unknown) => {
        throw err instanceof AppError ? err : new Unavailable('the API key store is unreachable; retry', err);
      });
      if (!key) throw new Unauthorized('the API key is unknown or revoked');
      if (!key.scopes.includes(scope)) throw new Forbidden(`the API key lacks the '${scope}' scope`);
      req.apiKey = key;
      next();
    } catch (err) {
      next(err);
    }
  };
