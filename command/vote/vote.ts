import { z } from 'zod/v4';
import { billId, voteId } from '../contract/ids.ts';
import {
  Chamber,
  IsoDateTime,
  Jurisdiction,
  MemberRef,
  optionalText,
  RollCallNumber,
  RollCallYear,
  text,
} from '../contract/primitives.ts';

/** How a ballot counts, whatever the legislature calls it (Aye, Guilty, Paired, a Speaker candidate...). */
export const PositionClass = z.enum(['yea', 'nay', 'present', 'not_voting', 'paired', 'other']);
export type PositionClass = z.infer<typeof PositionClass>;

// Ballots are the bulk of every roll call (hundreds each), so their schema avoids transforms: nulls are explicit.
export const Ballot = z.object({
  voter: MemberRef,
  name: z.string().min(1).max(200),
  party: z.string().max(100).nullable(),
  region: z.string().max(100).nullable(),
  position: z.string().min(1).max(200),
  positionClass: PositionClass,
});
export type Ballot = z.infer<typeof Ballot>;

const CLASS_RANK = new Map<string, number>(PositionClass.options.map((c, i) => [c, i]));
/**
 * Reported totals in one key order whatever order the client wrote them in: event ids hash the command's JSON,
 * and a record's keys are not ordered by the schema, so `{"nay":1,"yea":2}` and `{"yea":2,"nay":1}` would be two
 * facts (found by review). The position classes come first in their own order (the order importers already use,
 * so existing ids stay), then any other key alphabetically.
 */
const canonicalTotals = (totals: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(totals).sort(
      ([a], [b]) =>
        (CLASS_RANK.get(a) ?? CLASS_RANK.size) - (CLASS_RANK.get(b) ?? CLASS_RANK.size) ||
        (a < b ? -1 : a > b ? 1 : 0),
    ),
  );

/**
 * A roll call / division. With `ballotsComplete` the ballots are the whole roll and replace any earlier ones;
 * without it they are merged (sources such as one member's voting record carry one ballot at a time).
 */
export const VoteData = z.object({
  jurisdiction: Jurisdiction,
  session: text(20),
  chamber: Chamber,
  chamberName: text(100),
  number: RollCallNumber,
  year: RollCallYear,
  date: IsoDateTime,
  question: text(5_000),
  subject: optionalText(5_000),
  category: optionalText(100),
  voteType: optionalText(2_000),
  result: text(200),
  requires: optionalText(50),
  bill: z
    .object({ session: text(20), type: text(20), number: text(20), title: optionalText(5_000) })
    .nullish()
    .transform((v) => v ?? null),
  nomination: z
    .object({ number: text(50), title: optionalText(2_000) })
    .nullish()
    .transform((v) => v ?? null),
  reportedTotals: z
    .record(z.string().max(200), z.number().int().min(0).max(10_000))
    .nullish()
    .transform((v) => (v ? canonicalTotals(v) : null)),
  ballotsComplete: z.boolean(),
  ballots: z.array(Ballot).max(2_000),
  sourceUrl: z
    .string()
    .url()
    .max(500)
    .nullish()
    .transform((v) => v ?? null),
  /**
   * The source's version of this record (a timestamp or sequence), when it has one. Event ids are hashes of the
   * content, so the same content sent again is a duplicate: a live ballot changed and then changed back
   * (Yea, Nay, Yea) needs a revision to land as the change it is. Absent, it is left out of the content (the ids
   * of records without it stay what they were).
   */
  revision: z.string().trim().min(1).max(100).optional(),
});
export type VoteData = z.infer<typeof VoteData>;

/**
 * A US roll call is numbered within its chamber and year: without the year the same roll call would get a stream
 * of its own, and its ballots would be counted twice (found by review). Checked on the command only, so events
 * already in a log still decode.
 */
export const RecordVote = z
  .object({ type: z.literal('RecordVote'), data: VoteData })
  .strict()
  .superRefine((c, ctx) => {
    if (c.data.jurisdiction === 'us' && c.data.year === null)
      ctx.addIssue({ code: 'custom', path: ['data', 'year'], message: 'a US roll call needs its year' });
  });

export type VoteRecorded = Readonly<{
  type: 'VoteRecorded';
  data: VoteData & { voteId: string; billId: string | null };
}>;

/** Votes are numbered per chamber and per year (US) or per session (Canada). */
export const voteStreamId = (v: VoteData) =>
  voteId(
    v.jurisdiction,
    v.year ? `${v.session}-${v.year}` : v.session,
    // A joint session's roll call N is not the House's roll call N.
    v.chamber === 'upper' ? 's' : v.chamber === 'joint' ? 'j' : 'h',
    v.number,
  );

export const voteBillId = (v: VoteData) =>
  v.bill ? billId(v.jurisdiction, v.bill.session, v.bill.type, v.bill.number) : null;
