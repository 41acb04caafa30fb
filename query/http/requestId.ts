import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's X-Request-Id when it is a sane token (so one id follows a request through a proxy), else a new UUID. */
export const requestIdOf = (req: IncomingMessage) => {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
};

/** pino-http's `genReqId`: `requestIdOf`, echoed back as X-Request-Id. */
export const requestId = (req: IncomingMessage, res: ServerResponse) => {
  const id = requestIdOf(req);
  res.setHeader('X-Request-Id', id);
  return id;
};
