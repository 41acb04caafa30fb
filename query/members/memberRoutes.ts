import { Router } from 'express';
import type { Documents } from '../documents.ts';
import { handle } from '../http/handle.ts';
import { idParam, sendDocument } from '../http/sendDocument.ts';

/** A member by id or by any of their ids in another scheme (`us-lis-S354`). */
export const memberRoutes = (docs: Documents) =>
  Router().get(
    '/api/v1/members/:id',
    handle(async (req, res) => sendDocument(req, res, await docs.member(idParam(req, 'member')), 'member')),
  );
