import { z } from 'zod/v4';
import { RecordBill } from '../bill/bill.ts';
import { RecordMember } from '../member/member.ts';
import { RecordVote } from '../vote/vote.ts';

/** Every command the write side accepts, as one closed union. */
export const Command = z.discriminatedUnion('type', [RecordMember, RecordBill, RecordVote]);
export type Command = z.infer<typeof Command>;
