import { z } from 'zod/v4';
import { memberAlias, memberId, PRIMARY_SCHEME } from '../contract/ids.ts';
import { IsoDate, Jurisdiction, MemberRef, optionalText, Term, text } from '../contract/primitives.ts';

const LatestTerm = Term.extend({
  start: IsoDate.nullish().transform((v) => v ?? null),
  end: IsoDate.nullish().transform((v) => v ?? null),
});

/** A member's profile as one source knows it: every id scheme, names, and party/district over time. */
export const MemberData = z
  .object({
    jurisdiction: Jurisdiction,
    ids: z.array(MemberRef).min(1).max(20),
    name: z.object({ full: text(200), first: optionalText(100), last: optionalText(100) }),
    gender: optionalText(20),
    birthday: IsoDate.nullish().transform((v) => v ?? null),
    terms: z.array(Term).max(200).default([]),
    /** The latest term as the source reports it, dated or not (the legislators CSV gives no term dates). */
    latestTerm: LatestTerm.nullish().transform((v) => v ?? null),
  })
  .superRefine((m, ctx) => {
    if (!m.ids.some((r) => r.scheme === PRIMARY_SCHEME[m.jurisdiction])) {
      ctx.addIssue({
        code: 'custom',
        path: ['ids'],
        message: `a ${m.jurisdiction} member needs an id in the '${PRIMARY_SCHEME[m.jurisdiction]}' scheme`,
      });
    }
  });
export type MemberData = z.infer<typeof MemberData>;

export const RecordMember = z.object({ type: z.literal('RecordMember'), data: MemberData }).strict();

export type MemberRecorded = Readonly<{ type: 'MemberRecorded'; data: MemberData & { memberId: string } }>;

export const memberStreamId = (m: MemberData) =>
  memberId(m.jurisdiction, m.ids.find((r) => r.scheme === PRIMARY_SCHEME[m.jurisdiction])!.id);

export const memberAliases = (m: MemberData) => [
  ...new Set([memberStreamId(m), ...m.ids.map((r) => memberAlias(m.jurisdiction, r))]),
];
