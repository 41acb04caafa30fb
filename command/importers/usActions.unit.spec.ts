import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { RecordBill } from '../bill/bill.ts';
import { plainText } from './summaryHtml.ts';
import { parseUsBillStatus } from './usBillStatus.ts';
import { asList, asNode, asText } from './values.ts';
import { parseXml } from './xml.ts';

const DATA = new URL('../../../shared/data/', import.meta.url);
const BILLS = new URL('us/117/bills/', DATA);
const xmlOf = (rel: string) => readFileSync(new URL(`${rel}/fdsys_billstatus.xml`, BILLS), 'utf8');
const actionsOf = (rel: string) => RecordBill.parse(parseUsBillStatus(xmlOf(rel))).data.actions;
/** The action texts as the XML holds them (entities of the XML decoded, nothing else), oldest first. */
const sourceTexts = (xml: string) =>
  asList(asNode(asNode(asNode(parseXml(xml, { arrays: new Set(['item']) }).billStatus).bill).actions).item)
    .map((i) => asText(asNode(i).text))
    .filter((t): t is string => t !== null)
    .reverse();

// The texts below are <bill><actions> items of the real files (python3 xml.etree): the House Clerk's systems
// link each discharge petition; us/117 has 3 such actions (H.J.Res. 46, 67, 72, each the bill's <latestAction>).
describe('BILLSTATUS action texts are plain text', () => {
  it('reads the discharge petition action of H.J.Res. 46 without its <a href>, keeping the words', () => {
    const raw =
      'Motion to Discharge Committee filed by Mr. Gosar. Petition No: 117-12. (<a href="https://clerk.house.gov/DischargePetition/2022031612?Page=2&CongressNum=117">Discharge petition</a> text with signatures.)';
    expect(sourceTexts(xmlOf('hjres/hjres46'))).to.include(raw);
    const plain =
      'Motion to Discharge Committee filed by Mr. Gosar. Petition No: 117-12. (Discharge petition text with signatures.)';
    expect(plainText(raw)).to.equal(plain);
    const actions = actionsOf('hjres/hjres46');
    expect(actions.filter((a) => a.text.includes('Discharge petition')).map((a) => a.text)).to.deep.equal([
      plain,
    ]);
    // The source's <latestAction> is this motion: it is also the last action the bill document shows.
    expect(actions.at(-1)?.text).to.equal(plain);
  });

  it('does the same for H.J.Res. 67 and 72, on the same House Clerk links', () => {
    const discharge = (rel: string) =>
      actionsOf(rel)
        .filter((a) => a.text.startsWith('Motion to Discharge Committee'))
        .map((a) => a.text);
    expect(discharge('hjres/hjres67')).to.deep.equal([
      'Motion to Discharge Committee filed by Mr. Duncan. Petition No: 117-10. (Discharge petition text with signatures.)',
    ]);
    expect(discharge('hjres/hjres72')).to.deep.equal([
      'Motion to Discharge Committee filed by Mr. Mast. Petition No: 117-14. (Discharge petition text with signatures.)',
    ]);
  });

  it('leaves no tag in any action of the 776 us/117 bills, and every text without one as written', function () {
    this.timeout(60_000);
    let changed = 0;
    for (const type of readdirSync(BILLS)) {
      for (const dir of readdirSync(new URL(`${type}/`, BILLS))) {
        const xml = xmlOf(`${type}/${dir}`);
        const source = sourceTexts(xml);
        const served = RecordBill.parse(parseUsBillStatus(xml)).data.actions.map((a) => a.text);
        expect(served, `${type}/${dir}`).to.have.length(source.length);
        for (const text of served) expect(text, `${type}/${dir}`).not.to.match(/<\/?[a-z][^>]*>/i);
        // Same-day order may differ from the file's, so compare as sorted lists.
        const asWritten = source.filter((t) => !t.includes('<')).sort();
        expect(served.filter((t) => source.includes(t)).sort(), `${type}/${dir}`).to.deep.equal(asWritten);
        changed += source.length - asWritten.length;
      }
    }
    expect(changed).to.equal(3);
  });

  it('keeps text without markup as written, a bare "R&D" included', () => {
    const t = 'Motion by Senator Hassan to instruct Senate conferees (R&D Tax Credit) agreed to  in Senate.';
    expect(plainText(t)).to.equal(t);
    expect(plainText('Health&nbsp;care &amp; <b>jobs</b>')).to.equal('Health care & jobs');
  });
});
