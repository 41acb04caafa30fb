import { expect } from 'chai';
import { cleanSummary, htmlText } from './summaryHtml.ts';

// Inputs modelled on what the 117th-Congress archive really holds (counted with python3 re over <summary>):
// <script src=...> and <link> in H.R. 5031, href="file:///S|/..." in H.R. 2406, class/style in H.R. 597.
describe('cleanSummary (CRS summary HTML -> safe HTML + text)', () => {
  it('keeps only simple tags and http(s) links, and drops scripts with their content', () => {
    const s = cleanSummary(
      '<link href="x.css" rel="stylesheet"><script src="SpryAssets/x.js">alert(1)</script>' +
        '<p class="MsoNormal" style="line-height: normal;" onclick="x()">See <a href="file:///S|/BillDigest/">notes</a>' +
        ' and <a href="https://www.congress.gov/" target="_blank">Congress.gov</a>.</p><ul type="disc"><li>One</li></ul>',
    );
    expect(s?.html).to.equal(
      '<p>See <a>notes</a> and <a href="https://www.congress.gov/">Congress.gov</a>.</p><ul><li>One</li></ul>',
    );
    expect(s?.text).to.equal('See notes and Congress.gov. One');
  });

  it('decodes entities and collapses whitespace in the text, keeping block boundaries as spaces', () => {
    const s = cleanSummary(
      '\n  <p>Health&nbsp;care &amp; <b>jobs</b>&#8212;now</p><p>Second</p><div>Third</div>\n',
    );
    expect(s?.text).to.equal('Health care & jobs—now Second Third');
    expect(s?.html).to.equal('<p>Health\u00a0care &amp; <b>jobs</b>—now</p><p>Second</p><p>Third</p>');
  });

  it('drops empty wrappers and returns null when nothing readable is left', () => {
    expect(cleanSummary('<p><STRONG></STRONG>Text</p> <div tabindex="0"> </div>')?.html).to.equal(
      '<p>Text</p>',
    );
    expect(cleanSummary('<p> </p><script>x</script>')).to.equal(null);
  });

  it('reads text from HTML without gluing words of adjacent blocks', () => {
    expect(htmlText('<ul><li>a</li><li>b</li></ul>c<br>d')).to.equal('a b c d');
  });
});
