import { Router } from 'express';
import type { Documents } from '../documents.ts';
import { handle } from '../http/handle.ts';
import { idParam, sendDocument } from '../http/sendDocument.ts';

export const voteRoutes = (docs: Documents) =>
  Router().get(
    '/api/v1/votes/:id',
    handle(async (req, res) => sendDocument(req, res, await docs.vote(idParam(req, 'vote')), 'vote')),
  );
