import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { RecordBill } from '../bill/bill.ts';
import { parseUsBillStatus } from './usBillStatus.ts';
import { XmlSyntaxError } from './xml.ts';

// ../shared/data beside the checkout, read at run time (this file is two levels below the repo root).
const DATA = new URL('../../../shared/data/', import.meta.url);
const xmlOf = (type: string, n: number) =>
  readFileSync(new URL(`us/117/bills/${type}/${type}${n}/fdsys_billstatus.xml`, DATA), 'utf8');
const bill = (type: string, n: number) => RecordBill.parse(parseUsBillStatus(xmlOf(type, n))).data;

// Every fact below was read off the XML with python3 xml.etree (findtext/findall on billStatus/bill/...).
describe('parseUsBillStatus (BILLSTATUS XML -> RecordBill)', () => {
  it('reads H.R. 5290 and takes bill/title, not the first <title> (a related bill, line 55)', () => {
    const b = bill('hr', 5290);
    expect(b.title).to.equal('To extend authorization for livestock mandatory reporting.');
    expect(xmlOf('hr', 5290)).to.match(
      /<title>A bill to extend authorization for livestock mandatory reporting\./,
    );
    expect([b.jurisdiction, b.session, b.type, b.number]).to.deep.equal(['us', '117', 'hr', '5290']);
    expect(b.originChamber).to.equal('lower');
    expect(b.introducedDate).to.equal('2021-09-17');
    expect(b.titles.map((t) => t.type)).to.deep.equal(['Display Title', 'Official Title as Introduced']);
    expect(b.sponsor).to.deep.equal({
      ref: { scheme: 'bioguide', id: 'S001157' },
      name: 'Rep. Scott, David [D-GA-13]',
      party: 'D',
      region: 'GA',
    });
    expect(b.cosponsors).to.deep.equal([]);
    expect(b.policyArea).to.equal('Agriculture and Food');
    expect(b.subjects).to.have.length(4);
    expect(b.subjects[0]).to.equal('Agricultural marketing and promotion');
  });

  it('keeps all 13 actions oldest first, with time, chamber and code', () => {
    const { actions } = bill('hr', 5290);
    expect(actions).to.have.length(13);
    expect(actions[0]).to.deep.equal({
      date: '2021-09-17',
      text: 'Introduced in House',
      chamber: 'lower',
      stage: '1000',
    });
    const passed = actions.find((a) => a.stage === '8000');
    expect(passed?.date).to.equal('2021-12-08T18:16:39');
    expect(passed?.chamber).to.equal('lower');
    // The Senate's own action has no code: its stage is the action type, its chamber the source system.
    expect(actions.at(-1)).to.include({ date: '2021-12-09', chamber: 'upper', stage: 'IntroReferral' });
  });

  it('takes the latest of two summaries (versionCode 53, Passed House) as sanitised HTML and clean text', () => {
    const { summary } = bill('hr', 5290);
    expect(summary?.date).to.equal('2021-12-08');
    expect(summary?.html).to.equal(
      '<p>This bill extends through FY2022 authorization for the livestock mandatory reporting program of the Department of Agriculture.</p>',
    );
    expect(summary?.text).to.equal(
      'This bill extends through FY2022 authorization for the livestock mandatory reporting program of the Department of Agriculture.',
    );
  });

  it('lists roll call 408 once, though two actions cite it, keyed like the vote (117, 2021, House)', () => {
    const b = bill('hr', 5290);
    expect(b.recordedVotes).to.deep.equal([
      { session: '117', year: 2021, chamber: 'lower', number: 408, date: '2021-12-08T23:16:39Z' },
    ]);
    expect(b.status).to.equal('passed_lower');
    expect(b.laws).to.deep.equal([]);
  });

  it('reads a single cosponsor and four summaries of H.J.Res. 27 (enacted as Public Law 117-19)', () => {
    const b = bill('hjres', 27);
    expect(b.type).to.equal('hjres');
    expect(b.cosponsors).to.deep.equal([
      {
        ref: { scheme: 'bioguide', id: 'R000486' },
        name: 'Rep. Roybal-Allard, Lucille [D-CA-40]',
        party: 'D',
        region: 'CA',
        date: '2021-02-25',
      },
    ]);
    expect(b.laws).to.deep.equal([{ type: 'Public Law', number: '117-19' }]);
    expect(b.status).to.equal('enacted');
    expect(b.summary?.date).to.equal('2021-06-23'); // versionCode 49, Public Law
  });

  it('reads a single legislative subject as a list (H.R. 5677)', () => {
    expect(bill('hr', 5677).subjects).to.deep.equal(['Congressional operations and organization']);
  });

  it('marks H.Con.Res. 119 failed: agreed in the House (roll 491), failed in the Senate (18000, vote 371)', () => {
    const b = bill('hconres', 119);
    expect(b.status).to.equal('failed');
    expect(b.recordedVotes.map((v) => [v.chamber, v.year, v.number])).to.deep.equal([
      ['lower', 2022, 491],
      ['upper', 2022, 371],
    ]);
  });

  it('drops the empty <div tabindex="0"> an editor left in the H.Res. 275 summary', () => {
    const { summary } = bill('hres', 275);
    expect(summary?.html).to.equal(
      '<p>This resolution condemns the acts of gun violence that led to the tragic loss of eight lives in Georgia on March 16, 2021.</p>',
    );
  });

  it('derives the same status counts over all 776 files as an independent python pass', function () {
    this.timeout(60_000);
    // python3: same rule over codes/types/laws of every file -> these counts.
    const counts: Record<string, number> = {};
    const root = new URL('us/117/bills/', DATA);
    for (const type of readdirSync(root)) {
      for (const dir of readdirSync(new URL(`${type}/`, root))) {
        const xml = readFileSync(new URL(`${type}/${dir}/fdsys_billstatus.xml`, root), 'utf8');
        const { status } = RecordBill.parse(parseUsBillStatus(xml)).data;
        counts[status] = (counts[status] ?? 0) + 1;
      }
    }
    expect(counts).to.deep.equal({
      passed_lower: 384,
      enacted: 179,
      introduced: 172,
      passed_both: 22,
      passed_upper: 12,
      failed: 7,
    });
  });

  it('reads the v1 shape (billNumber, billType, billSummaries) that 11 archive files still use', () => {
    const v1 = `<?xml version="1.0"?><billStatus><bill><billNumber>14</billNumber><billType>HR</billType>
      <originChamber>House</originChamber><introducedDate>2021-01-03</introducedDate><congress>117</congress>
      <actions><item><actionDate>2021-01-03</actionDate><text>Introduced in House</text><actionCode>1000</actionCode>
      <sourceSystem><code>9</code><name>Library of Congress</name></sourceSystem></item>
      <actionTypeCounts><introducedInHouse>1</introducedInHouse></actionTypeCounts></actions>
      <sponsors /><laws /><summaries><billSummaries /></summaries>
      <subjects><billSubjects><legislativeSubjects /></billSubjects></subjects>
      <title>Reserved for the Minority Leader.</title></bill></billStatus>`;
    const b = RecordBill.parse(parseUsBillStatus(v1)).data;
    expect([b.type, b.number, b.title, b.status]).to.deep.equal([
      'hr',
      '14',
      'Reserved for the Minority Leader.',
      'introduced',
    ]);
    expect(b.actions).to.have.length(1);
    expect([b.sponsor, b.summary, b.subjects]).to.deep.equal([null, null, []]);
  });

  it('locates malformed XML by line and column', () => {
    const broken = xmlOf('hr', 5290).replace('</introducedDate>', '</introduced>');
    expect(() => parseUsBillStatus(broken))
      .to.throw(XmlSyntaxError)
      .that.satisfies((e: XmlSyntaxError) => e.line === 10 && e.message.includes("'introducedDate'"));
  });
});
