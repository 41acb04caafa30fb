import { createHash } from 'node:crypto';

/** A served document: its exact bytes and a strong ETag derived from them. */
export type Doc = Readonly<{ body: string; etag: string }>;

export const toDoc = (value: unknown): Doc => {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
};
