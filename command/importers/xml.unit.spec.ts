import { expect } from 'chai';
import { parseXml, XmlSyntaxError } from './xml.ts';

describe('parseXml', () => {
  const shape = { arrays: new Set(['item']), skip: ['root.big'] };

  it('keeps leaves as trimmed text, decodes entities and character references, ignores attributes', () => {
    const tree = parseXml(
      '<?xml version="1.0"?><root a="1"><id> 00172 </id><t>Q&amp;A &lt;b&gt; &#8217;s</t><e/><f></f></root>',
      shape,
    );
    expect(tree).to.deep.equal({ root: { id: '00172', t: 'Q&A <b> \u2019s', e: '', f: '' } });
  });

  it('makes a list of a repeated element, and of a named one even when it occurs once', () => {
    const tree = parseXml('<root><x>1</x><x>2</x><x>3</x><y>1</y><item>only</item></root>', shape);
    expect(tree).to.deep.equal({ root: { x: ['1', '2', '3'], y: '1', item: ['only'] } });
  });

  it('keeps CDATA as written, trims the text around it and around children', () => {
    const tree = parseXml(
      '<root><s>\n  <![CDATA[ <p>Sec. 1</p>]]>\n</s><m> before <c>x</c> after </m></root>',
      shape,
    );
    expect(tree).to.deep.equal({ root: { s: ' <p>Sec. 1</p>', m: { c: 'x', '#text': 'beforeafter' } } });
  });

  it('keeps a skipped subtree as its raw inner text', () => {
    const tree = parseXml('<root><big>\n <item><a>1</a></item>\n</big><item>2</item></root>', shape);
    expect(tree).to.deep.equal({ root: { big: '\n <item><a>1</a></item>\n', item: ['2'] } });
  });

  it('locates malformed XML by line and column', () => {
    expect(() => parseXml('<root>\n<a>1</b>\n</root>', shape))
      .to.throw(XmlSyntaxError)
      .that.satisfies((e: XmlSyntaxError) => e.line === 2 && /invalid XML/.test(e.message));
  });
});
