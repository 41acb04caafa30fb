import type { z } from 'zod/v4';
import type { PositionClass, RecordVote } from '../vote/vote.ts';
import { type Parsed, parseEach } from './parsed.ts';
import { asList, asNode, asText, type Node, required } from './values.ts';
import { parseXml } from './xml.ts';
import { OTTAWA, withZoneOffset } from './zonedTime.ts';

type RecordVoteInput = z.input<typeof RecordVote>;

const SHAPE = { arrays: new Set(['MemberVote']) };

/** The official vote value decides; the IsVotePaired flag is also set on a few Yea/Nay votes of paired members. */
const CLASS_BY_VALUE: Record<string, PositionClass> = { Yea: 'yea', Nay: 'nay', Paired: 'paired' };

/** A whole number written in digits (Number() also took "1e2", " 0x1F" and "" as numbers). */
const count = (v: unknown, field: string) => {
  const text = required(v, field);
  if (!/^\d+$/.test(text)) throw new Error(`${field} is not a count: ${String(v)}`);
  return Number(text);
};

/** `C-50` to the bill key of the same session; a division on a motion carries no bill. */
const billOf = (code: string | null, session: string) => {
  const m = code ? /^([A-Za-z]+)-(\d+[A-Za-z]?)$/.exec(code) : null;
  return m ? { session, type: m[1]!.toLowerCase(), number: m[2]!, title: null } : null;
};

/**
 * One <MemberVote> of an ourcommons.ca member voting record: the division with its reported totals and this
 * one member's ballot. Ballots merge across records (`ballotsComplete: false`), so each member's file adds theirs.
 */
export const caMemberVote = (v: Node): RecordVoteInput => {
  const session = `${required(v.ParliamentNumber, 'ParliamentNumber')}-${required(v.SessionNumber, 'SessionNumber')}`;
  const position = required(v.VoteValueName, 'VoteValueName');
  const first = asText(v.PersonOfficialFirstName);
  const last = asText(v.PersonOfficialLastName);
  const subject = required(v.DecisionDivisionSubject, 'DecisionDivisionSubject');
  return {
    type: 'RecordVote',
    data: {
      jurisdiction: 'ca',
      session,
      chamber: 'lower',
      chamberName: 'House of Commons',
      number: count(v.DecisionDivisionNumber, 'DecisionDivisionNumber'),
      year: null,
      // The House of Commons writes Ottawa wall-clock time without an offset.
      date: withZoneOffset(required(v.DecisionEventDateTime, 'DecisionEventDateTime'), OTTAWA),
      question: subject,
      subject: null,
      category: asText(v.DecisionDivisionDocumentTypeName),
      voteType: null,
      result: required(v.DecisionResultName, 'DecisionResultName'),
      requires: null,
      bill: billOf(asText(v.BillNumberCode), session),
      nomination: null,
      reportedTotals: {
        yea: count(v.DecisionDivisionNumberOfYeas, 'DecisionDivisionNumberOfYeas'),
        nay: count(v.DecisionDivisionNumberOfNays, 'DecisionDivisionNumberOfNays'),
        paired: count(v.DecisionDivisionNumberOfPaired, 'DecisionDivisionNumberOfPaired'),
      },
      ballotsComplete: false,
      ballots: [
        {
          voter: { scheme: 'ca-person', id: required(v.MemberId, 'MemberId') },
          name: [first, last].filter((p) => p !== null).join(' ') || required(v.MemberId, 'MemberId'),
          party: asText(v.CaucusShortName),
          region: asText(v.ProvinceTerritoryName),
          position,
          positionClass: CLASS_BY_VALUE[position] ?? 'other',
        },
      ],
      sourceUrl: null,
    },
  };
};

/** A whole <ArrayOfMemberVote> file: one record per division, located by index and division number. */
export const parseCaVotes = (xml: string): Parsed[] => {
  const votes = asList(asNode(parseXml(xml, SHAPE).ArrayOfMemberVote).MemberVote).map(asNode);
  return parseEach(votes, caMemberVote, (v, i) => {
    const division = asText(v.DecisionDivisionNumber);
    return division ? `record ${i + 1} (division ${division})` : `record ${i + 1}`;
  });
};
