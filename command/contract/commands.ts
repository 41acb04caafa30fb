import { z } from 'zod/v4';
import { RecordBill } from '../bill/bill.ts';
import { RecordMember } from '../member/member.ts';
import { RecordVote } from '../vote/vote.ts';

// Postgres text and jsonb cannot hold NUL or a lone UTF-16 surrogate: such a string is the client's error.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE = { test: (s: string) => s.includes('\0') || LONE_SURROGATE.test(s) };

/** Paths of every string (key or value) the event log could not store. */
const unstorable = (v: unknown, at: (string | number)[] = []): (string | number)[][] => {
  if (typeof v === 'string') return UNSTORABLE.test(v) ? [at] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => unstorable(x, [...at, i]));
  if (v && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) =>
      UNSTORABLE.test(k) ? [[...at, k]] : unstorable(x, [...at, k]),
    );
  }
  return [];
};

/** Every command the write side accepts, as one closed union. */
export const Command = z
  .discriminatedUnion('type', [RecordMember, RecordBill, RecordVote])
  .superRefine((command, ctx) => {
    for (const path of unstorable(command)) {
      ctx.addIssue({ code: 'custom', path, message: 'contains a NUL character or an unpaired surrogate' });
    }
  });
export type Command = z.infer<typeof Command>;
