import type { Request, Response } from 'express';

/**
 * The labels of a finished request in both services' `openpolicy_http_request_duration_seconds`: method, status and
 * the express route path (`/api/v1/bills/:id`, never the raw URL, so one label per route); requests no route took
 * (404s, 429s) are `(none)`.
 */
export const requestLabels = (req: Request, res: Response) => {
  const path = req.route?.path;
  return {
    method: req.method,
    route: typeof path === 'string' ? `${req.baseUrl}${path}` : '(none)',
    status: String(res.statusCode),
  };
};
