import { expect } from 'chai';
import { splitXmlRecords, xmlLocator } from './xml.ts';

/** Each piece as its text and how it ended. */
const pieces = (xml: string) => {
  const split = splitXmlRecords(xml, 'Rs', 'R');
  return {
    pieces: split.pieces.map((p) => `${p.end}: ${xml.slice(p.from, p.to)}`),
    rootClosed: split.rootClosed,
  };
};

describe('splitXmlRecords (a broken multi-record document cut at its records)', () => {
  it('steps over record tags inside comments and CDATA, and takes an empty record as one', () => {
    expect(pieces('<Rs a="1"><!-- <R> --><R><x><![CDATA[</R>]]></x></R>\n<R/><Rx/></Rs>')).to.deep.equal({
      pieces: ['closed: <R><x><![CDATA[</R>]]></x></R>', 'closed: <R/>'],
      rootClosed: true,
    });
  });

  it('ends a record left open at the next record or the root end tag, and one cut off at the end of the file', () => {
    expect(pieces('<Rs><R><x>1</x><R>2</R><R>3</Rs>')).to.deep.equal({
      pieces: ['unclosed: <R><x>1</x>', 'closed: <R>2</R>', 'unclosed: <R>3'],
      rootClosed: true,
    });
    expect(pieces('<Rs><R>1</R><R>2</R')).to.deep.equal({
      pieces: ['closed: <R>1</R>', 'truncated: <R>2</R'],
      rootClosed: false,
    });
  });

  it('reads on past the root end tag (two files run together)', () => {
    expect(pieces('<Rs><R>1</R></Rs>\n<Rs><R>2</R></Rs>')).to.deep.equal({
      pieces: ['closed: <R>1</R>', 'closed: <R>2</R>'],
      rootClosed: true,
    });
  });

  it('gives an end tag without its start tag the text since the previous record', () => {
    expect(pieces('<Rs><R>1</R> <x>2</x></R></Rs>').pieces).to.deep.equal([
      'closed: <R>1</R>',
      'closed:  <x>2</x></R>',
    ]);
  });
});

describe('xmlLocator', () => {
  it('counts lines at \\n (\\r\\n too) and columns from 1, a byte order mark taking none', () => {
    const at = xmlLocator('\uFEFF<a>\r\n<b/>\n\n  <c/>');
    expect([0, 1, 3, 6, 11, 13].map(at)).to.deep.equal([
      { line: 1, column: 1 },
      { line: 1, column: 1 },
      { line: 1, column: 3 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 2 },
    ]);
  });
});
