import { expect } from 'chai';
import { delimitedColumns } from './sql.ts';

describe('delimitedColumns', () => {
  it('joins each column with the unit separator, null as the record separator, booleans as t/f', () => {
    expect(
      delimitedColumns([
        ['a', '', 'c "q" {x,y} \\ é'],
        [null, 'r', null],
        [true, false, null],
      ]),
    ).to.deep.equal(['a\u001f\u001fc "q" {x,y} \\ é', '\u001e\u001fr\u001f\u001e', 't\u001ff\u001f\u001e']);
  });

  it('gives up (arrays then) when a text holds a separator, or one row is the empty text', () => {
    expect(delimitedColumns([['a', 'b\u001fc']])).to.equal(null);
    expect(delimitedColumns([['a'], ['x\u001ey']])).to.equal(null);
    expect(delimitedColumns([['']])).to.equal(null);
    expect(delimitedColumns([['', 'x']])).to.deep.equal(['\u001fx']);
  });
});
