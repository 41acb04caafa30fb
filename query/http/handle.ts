import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Async express handler whose errors reach the problem+json middleware. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
