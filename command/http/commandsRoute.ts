import type { Request, Response } from 'express';
import { AppError, BadRequest, ValidationError } from '../../infra/kernel/errors.ts';
import { type Reply, route } from '../../infra/kernel/route.ts';
import { type AcceptDeps, accept } from './accept.ts';
import { parseCommand } from './parseCommand.ts';

/** POST /api/v1/commands: one JSON command, answered 202 with its event id and log position. */
export const commandsRoute = (deps: AcceptDeps) =>
  route(async (req: Request, res: Response): Promise<Reply> => {
    // Another content type is not parsed at all, and an empty body has nothing to parse: both used to come back
    // as a 422 about an undefined "(root)", which told the client nothing. A chunked body has no Content-Length,
    // so the parser's byte count (app.ts) tells an empty one.
    const json = req.is(['application/json', 'application/*+json']);
    if (json === null || req.header('content-length') === '0' || res.locals.bodyBytes === 0)
      throw new BadRequest('the request has no body: send one command as JSON');
    if (json === false)
      throw new AppError('unsupported_media_type', 415, 'send the command as application/json');
    // JSON, but not an object or array (`null`, `5`, `"x"`): the parser's strict mode used to call it invalid JSON.
    if (req.body === null || typeof req.body !== 'object') {
      throw new BadRequest(
        `the body is JSON ${req.body === null ? 'null' : `of type ${typeof req.body}`}, not an object: send one command {type, data}`,
      );
    }
    const parsed = parseCommand(req.body);
    if (!parsed.ok) throw new ValidationError('the command is invalid', parsed.errors);
    const [appended] = await accept(deps, [parsed.command], {
      source: 'api',
      requestId: String(req.id ?? '') || null,
    });
    return {
      status: 202,
      body: { accepted: 1, duplicates: appended!.duplicate ? 1 : 0, events: [appended] },
    };
  });
