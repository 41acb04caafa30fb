import type { RequestHandler } from 'express';
import type pg from 'pg';
import { AppError, Forbidden, Unauthorized, Unavailable } from '../../infra/kernel/errors.ts';
import { presentedKey, type VerifiedKeys } from '../../infra/kernel/rateLimit.ts';
import { type ApiKey, type Scope, verifyApiKey } from './apiKeys.ts';

declare module 'express-serve-static-core' {
  interface Request {
    apiKey?: ApiKey;
  }
}

/**
 * Every write-side route sits behind this: a live API key carrying the scope. Live keys are remembered in
 * `verified` (the rate limit then charges the key rather than the address); unknown or revoked ones forgotten.
 */
export const requireScope =
  (pool: pg.Pool, scope: Scope, verified?: VerifiedKeys): RequestHandler =>
  async (req, _res, next) => {
    try {
      const token = presentedKey(req);
      if (!token) throw new Unauthorized('an API key is required (Authorization: Bearer <key>)');
      // The key store being unreachable is a retriable 503, never a 401 that reads as "bad key".
      const key = await verifyApiKey(pool, token).catch((err: unknown) => {
        throw err instanceof AppError ? err : new Unavailable('the API key store is unreachable; retry', err);
      });
      if (!key) {
        verified?.forget(token);
        throw new Unauthorized('the API key is unknown or revoked');
      }
      verified?.remember(token, key.id);
      if (!key.scopes.includes(scope)) throw new Forbidden(`the API key lacks the '${scope}' scope`);
      req.apiKey = key;
      next();
    } catch (err) {
      next(err);
    }
  };
