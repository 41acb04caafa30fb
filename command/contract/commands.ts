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

/**
 * Whether `v` may hold an unstorable string, from its JSON: JSON.stringify writes NUL and lone surrogates as
 * `\u0000` and `\udXXX` escapes (paired surrogates stay characters). One pass over ~60 KB of a House roll call
 * instead of walking its ~3,500 strings (0.2 against 2.5 ms); a match (or an escaped backslash before such text)
 * only sends the command on to the exact walk.
 */
const mayBeUnstorable = (v: unknown) => /\\u(0000|d[89a-f])/i.test(JSON.stringify(v));

/** Every command the write side accepts, as one closed union. */
export const Command = z
  .discriminatedUnion('type', [RecordMember, RecordBill, RecordVote], {
    // Zod's own message for an unknown or missing type is "Invalid input": name the types there are.
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'expected a type of RecordVote, RecordBill or RecordMember'
        : undefined,
  })
  .superRefine((command, ctx) => {
    if (!mayBeUnstorable(command)) return;
    for (const path of unstorable(command)) {
      ctx.addIssue({ code: 'custom', path, message: 'contains a NUL character or an unpaired surrogate' });
    }
  });
export type Command = z.infer<typeof Command>;
