import { expect } from 'chai';
import { MARK_END, MARK_START } from './highlight.ts';
import { highlightAll, matchingSpans, snippet, tsqueryOperands } from './tokenHighlight.ts';

/** A word map as sql/0007 writes it: `lexeme US start,end,...` joined by RS, code point offsets. */
const mapOf = (text: string, lexemeOf: (word: string) => string | null) => {
  const spans = new Map<string, number[]>();
  const chars = [...text];
  let at = 0;
  for (const word of text.split(/(\s+)/)) {
    const length = [...word].length;
    const lexeme = /\S/.test(word) ? lexemeOf(word.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase()) : null;
    if (lexeme) spans.set(lexeme, [...(spans.get(lexeme) ?? []), at, at + length]);
    at += length;
  }
  expect(at).to.equal(chars.length);
  return [...spans].map(([l, s]) => `${l}\u001f${s.join(',')}`).join('\u001e');
};
const stem = (w: string) => (w === 'the' || w === 'of' ? null : w.replace(/(s|ing)$/, ''));
const show = (s: string) => s.replaceAll(MARK_START, '[').replaceAll(MARK_END, ']');
const SNIPPET = { maxFragments: 2, minWords: 3, maxWords: 6, delimiter: ' … ' };

describe('highlights from word maps', () => {
  it("reads a tsquery's operands: prefixes, negated and phrase operands, quotes and backslashes unescaped", () => {
    const ops = tsqueryOperands(`'health':* & !'tax' | 'student' <-> 'loan':*AB & 'o''brien' & 'a\\\\b'`);
    expect([...ops.exact].sort()).to.deep.equal(['a\\b', "o'brien", 'student', 'tax']);
    expect(ops.prefixes).to.deep.equal(['health', 'loan']);
    expect(tsqueryOperands('')).to.deep.equal({ exact: new Set(), prefixes: [] });
  });

  it('marks every word whose lexeme equals an operand or starts with a prefix operand, in text order', () => {
    const title = 'Veterans Health Care of the Healthy Veteran Act';
    const map = mapOf(title, stem);
    const ops = tsqueryOperands(`'veteran' & 'health':*`);
    expect(matchingSpans(map, ops)).to.deep.equal([
      [0, 8],
      [9, 15],
      [28, 35],
      [36, 43],
    ]);
    expect(show(highlightAll(title, map, ops))).to.equal(
      '[Veterans] [Health] Care of the [Healthy] [Veteran] Act',
    );
    expect(highlightAll(title, map, tsqueryOperands(`'tax'`))).to.equal(title);
    expect(highlightAll(title, null, ops)).to.equal(title);
  });

  it('counts offsets in code points, as Postgres does, for text beyond the BMP', () => {
    const title = '🇺🇸 Veterans Act';
    const map = mapOf(title, stem);
    expect(show(highlightAll(title, map, tsqueryOperands(`'veteran'`)))).to.equal('🇺🇸 [Veterans] Act');
  });

  it('shows the first words when nothing matches, else fragments of at most maxWords around the matches', () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen';
    const map = mapOf(text, stem);
    expect(snippet(text, map, tsqueryOperands(`'zebra'`), SNIPPET)).to.equal('one two three');
    // One match: widened evenly around it to six words.
    expect(show(snippet(text, map, tsqueryOperands(`'seven'`), SNIPPET))).to.equal(
      'five six [seven] eight nine ten',
    );
    // Two matches too far apart for one fragment: two fragments, in text order (widened before by half the room,
    // then after as far as the text goes).
    expect(show(snippet(text, map, tsqueryOperands(`'twelve' | 'two'`), SNIPPET))).to.equal(
      'one [two] three four five six … ten eleven [twelve] thirteen fourteen',
    );
    // The fragment holding the most matches first.
    expect(
      show(snippet(text, map, tsqueryOperands(`'one' | 'nine' | 'ten'`), { ...SNIPPET, maxFragments: 1 })),
    ).to.equal('seven eight [nine] [ten] eleven twelve');
    expect(snippet('', map, tsqueryOperands(`'one'`), SNIPPET)).to.equal('');
  });
});
