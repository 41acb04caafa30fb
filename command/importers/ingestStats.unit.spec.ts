import { expect } from 'chai';
import { duration, emptyStats, progressLine, summaryLines } from './ingestStats.ts';
import { createProgress } from './progress.ts';

describe('ingest progress and summary', () => {
  const stats = { ...emptyStats(), files: 10, read: 2_000, valid: 1_990, accepted: 1_980, duplicates: 5 };

  it('shows share and ETA when the input size is known, counts only otherwise', () => {
    expect(progressLine({ ...stats, rejected: 10, bytesDone: 250, bytesTotal: 1_000 }, 4_000, true)).to.equal(
      'ingest  25.0%  2,000 records  500/s  accepted 1,980  rejected 10  files 10  ETA 12s',
    );
    expect(progressLine(stats, 4_000, false)).to.equal(
      'ingest 2,000 records  500/s  valid 1,990  rejected 0  files 10',
    );
  });

  it('summarises files, outcome, speed, and ballots for votes', () => {
    expect(summaryLines({ ...stats, skipped: 2, votes: 4, ballots: 1_740 }, 2_000, 'http')).to.deep.equal([
      'files 10, skipped files 2, records read 2,000',
      'accepted 1,980 (duplicates 5), rejected 0',
      'elapsed 2.0s, 1,000 records/s',
      'votes 4 with 1,740 ballots, 870 ballots/s',
    ]);
    expect(duration(74_000)).to.equal('1m14s');
  });

  it('writes a plain line every 2 s when not on a terminal', () => {
    const written: string[] = [];
    let t = 0;
    const p = createProgress({ out: { write: (s: string) => written.push(s) }, now: () => t, sending: true });
    for (t = 0; t <= 5_000; t += 500) p.tick(stats);
    expect(written).to.have.length(2);
    expect(written[0]).to.match(/^ingest 2,000 records .*\n$/);
  });

  it('redraws one line in place on a terminal', () => {
    const written: string[] = [];
    let t = 0;
    const p = createProgress({
      out: { write: (s: string) => written.push(s), isTTY: true },
      now: () => t,
      sending: true,
    });
    t = 150;
    p.tick(stats);
    p.finish();
    expect(written).to.deep.equal([`\r\x1b[2K${progressLine(stats, 150, true)}`, '\r\x1b[2K']);
  });
});
