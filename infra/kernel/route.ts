import type { Request, RequestHandler, Response } from 'express';

export type Reply = Readonly<{
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Pre-serialised JSON: sent as is, never re-stringified. */
  raw?: boolean;
}>;

/** Route handlers return values; this one wrapper writes them (and forwards thrown errors). */
export const route =
  (handler: (req: Request, res: Response) => Promise<Reply> | Reply): RequestHandler =>
  async (req, res, next) => {
    try {
      const reply = await handler(req, res);
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      res.status(reply.status);
      if (reply.raw) res.type('application/json').send(reply.body as string | Buffer);
      else res.json(reply.body);
    } catch (err) {
      next(err);
    }
  };
