import { z } from 'zod/v4';
import { billId } from '../contract/ids.ts';
import {
  Chamber,
  IsoDate,
  IsoDateTime,
  Jurisdiction,
  MemberRef,
  optionalText,
  RollCallNumber,
  RollCallYear,
  text,
} from '../contract/primitives.ts';

const Person = z.object({
  ref: MemberRef.nullish().transform((v) => v ?? null),
  name: text(200),
  party: optionalText(100),
  region: optionalText(100),
});

const Title = z.object({
  type: optionalText(200),
  text: text(5_000),
  lang: z.enum(['en', 'fr']).default('en'),
});

const Action = z.object({
  date: IsoDateTime,
  text: text(5_000),
  chamber: Chamber.nullish().transform((v) => v ?? null),
  stage: optionalText(100),
});

/** A roll call on this bill, by the vote's own natural key (as in VoteData), so bill and vote join exactly. */
const RecordedVote = z.object({
  session: text(20),
  year: RollCallYear,
  chamber: Chamber,
  number: RollCallNumber,
  date: IsoDateTime.nullish().transform((v) => v ?? null),
});

/** A bill's status record: titles in every language, summary (text for search, sanitised HTML for display). */
export const BillData = z.object({
  jurisdiction: Jurisdiction,
  session: text(20),
  type: text(20),
  number: text(20),
  originChamber: Chamber.nullish().transform((v) => v ?? null),
  introducedDate: IsoDate.nullish().transform((v) => v ?? null),
  title: text(5_000),
  titles: z.array(Title).max(500).default([]),
  summary: z
    .object({
      text: text(200_000),
      html: text(250_000),
      date: IsoDateTime.nullish().transform((v) => v ?? null),
    })
    .nullish()
    .transform((v) => v ?? null),
  sponsor: Person.nullish().transform((v) => v ?? null),
  cosponsors: z
    .array(Person.extend({ date: IsoDate.nullish() }))
    .max(1_000)
    .default([]),
  policyArea: optionalText(200),
  subjects: z.array(text(300)).max(1_000).default([]),
  actions: z.array(Action).max(2_000).default([]),
  /** Neutral stage: introduced, passed_lower, passed_upper, passed_both, enacted, vetoed or failed. */
  status: text(100),
  /** The legislature's own wording of the status (LEGISinfo's "Outside the Order of Precedence"), if it has one. */
  statusText: optionalText(300),
  laws: z
    .array(z.object({ type: text(100), number: text(50) }))
    .max(10)
    .default([]),
  recordedVotes: z.array(RecordedVote).max(2_000).default([]),
  url: z
    .string()
    .url()
    .max(500)
    .nullish()
    .transform((v) => v ?? null),
});
export type BillData = z.infer<typeof BillData>;

export const RecordBill = z.object({ type: z.literal('RecordBill'), data: BillData }).strict();

export type BillRecorded = Readonly<{ type: 'BillRecorded'; data: BillData & { billId: string } }>;

export const billStreamId = (b: BillData) => billId(b.jurisdiction, b.session, b.type, b.number);
