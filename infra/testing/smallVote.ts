/**
 * A small House roll call as a client would post it (two made-up members, Yea and Nay), numbered `n` so that
 * each number is a different event: for the write side's specs, where the content does not matter.
 */
export const smallVoteCommand = (n = 49) => ({
  type: 'RecordVote',
  data: {
    jurisdiction: 'us',
    session: '117',
    chamber: 'lower',
    chamberName: 'House',
    number: n,
    year: 2021,
    date: '2021-02-04T13:24:00-05:00',
    question: 'On Passage',
    result: 'Passed',
    reportedTotals: { Yea: 1, Nay: 1 },
    ballotsComplete: true,
    ballots: [
      {
        voter: { scheme: 'bioguide', id: 'A000001' },
        name: 'A',
        party: 'D',
        region: 'CA',
        position: 'Yea',
        positionClass: 'yea',
      },
      {
        voter: { scheme: 'bioguide', id: 'B000001' },
        name: 'B',
        party: 'R',
        region: 'TX',
        position: 'Nay',
        positionClass: 'nay',
      },
    ],
  },
});
