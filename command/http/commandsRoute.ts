import type { Request } from 'express';
import { ValidationError } from '../../infra/kernel/errors.ts';
import { type Reply, route } from '../../infra/kernel/route.ts';
import { type AcceptDeps, accept } from './accept.ts';
import { parseCommand } from './parseCommand.ts';

/** POST /api/v1/commands: one JSON command, answered 202 with its event id and log position. */
export const commandsRoute = (deps: AcceptDeps) =>
  route(async (req: Request): Promise<Reply> => {
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
