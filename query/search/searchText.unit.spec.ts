import { expect } from 'chai';
import { highlightHtml, MARK_END, MARK_START } from './highlight.ts';
import { applyCorrections, parseSearchText } from './searchText.ts';

describe('search box text', () => {
  it('matches the word still being typed as a prefix, once it has three letters', () => {
    expect(parseSearchText('clean wat')).to.deep.equal({
      head: 'clean',
      prefix: 'wat',
      words: ['clean', 'wat'],
    });
    expect(parseSearchText('clean wa')).to.deep.equal({ head: 'clean', prefix: null, words: ['clean'] });
    expect(parseSearchText('Infra')).to.deep.equal({ head: '', prefix: 'infra', words: ['infra'] });
  });

  it('takes a finished word (trailing space), a closed phrase or a negation as typed, not as a prefix', () => {
    expect(parseSearchText('clean water ')).to.deep.equal({
      head: 'clean water',
      prefix: null,
      words: ['clean', 'water'],
    });
    expect(parseSearchText('"student loan"').prefix).to.equal(null);
    expect(parseSearchText('health -tax').prefix).to.equal(null);
    expect(parseSearchText('health -tax').words).to.deep.equal(['health']);
    expect(parseSearchText('gun or').prefix).to.equal(null);
  });

  it('does not prefix-match inside an open quote', () => {
    expect(parseSearchText('"postal serv')).to.deep.include({ head: '"postal serv', prefix: null });
  });

  it('replaces misspelt words whole, in any case, and leaves the rest of the query alone', () => {
    const fixes = new Map([['helthcare', 'healthcare']]);
    expect(applyCorrections('"Helthcare" workers -helthcareX', fixes)).to.equal(
      '"healthcare" workers -helthcareX',
    );
  });
});

describe('highlights', () => {
  it('escapes the text and turns balanced markers into <mark>, dropping stray ones', () => {
    const marked = `a <b> & ${MARK_START}c${MARK_END} ${MARK_START}d`;
    expect(highlightHtml(marked)).to.equal('a &lt;b&gt; &amp; <mark>c</mark> d');
  });
});
