import { expect } from 'chai';
import { createRebuildProgress, rebuildSummary } from './rebuildCli.ts';

describe('openpolicy rebuild: progress in a log, and the summary line', () => {
  it('writes a line when the count moved (at most every 2 s), the same line again only after 30 s', () => {
    const written: string[] = [];
    let t = 0;
    const progress = createRebuildProgress({ write: (s) => written.push(s), tty: false, now: () => t });
    for (t = 0; t < 10_000; t += 250) progress({ applied: 0, total: 4_639 });
    expect(written).to.deep.equal(['rebuild: 0/4,639 events (0.0%)\n']);
    for (; t < 40_000; t += 250) progress({ applied: 0, total: 4_639 });
    expect(written).to.have.length(2);
    progress({ applied: 1_000, total: 4_639 });
    t += 250;
    progress({ applied: 1_500, total: 4_639 });
    progress({ applied: 4_639, total: 4_639 });
    progress({ applied: 4_639, total: 4_639 });
    expect(written.slice(2)).to.deep.equal([
      'rebuild: 1,000/4,639 events (21.6%)\n',
      'rebuild: 4,639/4,639 events (100.0%)\n',
    ]);
  });

  it('says whether it switched, and how the models compared', () => {
    const report = { compared: true, differences: [], ms: 12_345 };
    expect(
      rebuildSummary({ ...report, switched: true, identical: true, oldSchema: 'rm_old_20260101' }),
    ).to.equal(
      'rebuild: switched to the rebuilt read models in 12.3s, identical to the live ones; the old ones are kept as rm_old_20260101',
    );
    expect(
      rebuildSummary({
        ...report,
        switched: false,
        identical: false,
        differences: ['votes'],
        oldSchema: null,
      }),
    ).to.equal(
      'rebuild: NOT switched after 12.3s: the rebuilt read models are different from the live ones in votes (--require-identical)',
    );
  });
});
