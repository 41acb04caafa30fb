import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * pino-http's `genReqId`: the caller's X-Request-Id when it is a sane token (so one id follows a request
 * through a proxy and into our logs), else a new UUID; echoed back as X-Request-Id either way.
 */
export const requestId = (req: IncomingMessage, res: ServerResponse) => {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
};
