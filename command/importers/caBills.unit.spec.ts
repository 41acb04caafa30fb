import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { RecordBill } from '../bill/bill.ts';
import { parseCaBillsJson, parseCaBillsXml } from './caBills.ts';
import type { Parsed } from './parsed.ts';

const DATA = new URL('../../../shared/data/', import.meta.url);
const raw = (path: string) => readFileSync(new URL(`ca/raw/${path}`, DATA), 'utf8');
const bill = (p: Parsed | undefined) => {
  if (!p || !('command' in p)) throw new Error(`expected a command, got ${JSON.stringify(p)}`);
  return RecordBill.parse(p.command).data;
};

// Facts checked with python3 (json.load, xml.etree) on the LEGISinfo files named in each test.
describe('LEGISinfo bills (JSON and XML -> RecordBill)', () => {
  it('reads C-1 (all_bill_example.json): titles in both languages, sponsor, first reading', () => {
    const parsed = parseCaBillsJson(JSON.parse(raw('bills/all_bill_example.json')));
    expect(parsed).to.have.length(1);
    expect(parsed[0]?.position).to.equal('record 1 (C-1)');
    const b = bill(parsed[0]);
    expect([b.jurisdiction, b.session, b.type, b.number]).to.deep.equal(['ca', '44-1', 'c', '1']);
    expect(b.title).to.equal('An Act respecting the administration of oaths of office');
    expect(b.titles).to.deep.equal([
      { type: 'Long title', text: 'An Act respecting the administration of oaths of office', lang: 'en' },
      { type: 'Long title', text: "Loi concernant la prestation de serments d'office", lang: 'fr' },
    ]);
    expect(b.sponsor).to.deep.equal({
      ref: { scheme: 'ca-person', id: '58733' },
      name: 'Justin Trudeau',
      party: null,
      region: 'Papineau',
    });
    expect([b.originChamber, b.introducedDate, b.status, b.statusText]).to.deep.equal([
      'lower',
      '2021-11-23',
      'introduced',
      'Introduced as pro forma bill',
    ]);
    expect(b.actions).to.deep.equal([
      {
        date: '2021-11-23T14:20:19.547-05:00',
        text: 'First reading in the House of Commons',
        chamber: 'lower',
        stage: 'First reading',
      },
    ]);
  });

  it('reads C-384 from bills_progress.json with its short titles', () => {
    const b = bill(parseCaBillsJson(JSON.parse(raw('bills/progress/bills_progress.json')))[0]);
    expect([b.type, b.number, b.statusText]).to.deep.equal(['c', '384', 'Outside the Order of Precedence']);
    expect(b.titles.filter((t) => t.type === 'Short title').map((t) => t.text)).to.deep.equal([
      'Turkish Heritage Month Act',
      'Loi sur le Mois du patrimoine turc',
    ]);
  });

  it('reads the 7 bills of bills_recently_introduced.xml, Senate ones with the Senate as origin', () => {
    const parsed = parseCaBillsXml(raw('bills/bills_recently_introduced.xml'));
    expect(parsed.map((p) => p.position)).to.deep.equal([
      'record 1 (S-290)',
      'record 2 (S-289)',
      'record 3 (S-288)',
      'record 4 (C-417)',
      'record 5 (C-418)',
      'record 6 (C-416)',
      'record 7 (C-415)',
    ]);
    const s288 = bill(parsed[2]);
    expect([s288.originChamber, s288.introducedDate]).to.deep.equal(['upper', '2024-09-19']);
    // The latest event (debate at second reading, 2024-10-30) is kept: it adds a day to the readings.
    expect(s288.actions.map((a) => [a.date, a.text])).to.deep.equal([
      ['2024-09-19T00:00:00-04:00', 'First reading in the Senate'],
      ['2024-10-30T14:00:00-04:00', 'Debate at second reading'],
    ]);
    expect(bill(parsed[3]).sponsor?.region).to.equal('North Island—Powell River');
  });

  it('reads C-223 (bills_sponsored.xml, 42nd Parliament): number from NumberCode, no sponsor, defeated', () => {
    // This export has <NumberPrefix /> and <Number>0</Number>, an empty sponsor and a 0001-01-01 event date.
    const b = bill(parseCaBillsXml(raw('members/sponsored_bills/bills_sponsored.xml'))[0]);
    expect([b.session, b.type, b.number, b.originChamber]).to.deep.equal(['42-1', 'c', '223', 'lower']);
    expect([b.sponsor, b.status, b.statusText]).to.deep.equal([null, 'failed', 'Bill defeated']);
    expect(b.actions.map((a) => a.date)).to.deep.equal(['2016-02-19T07:09:29-05:00']);
  });

  it('rejects a record whose NumberCode is not a bill number, keeping the others', () => {
    const json = JSON.parse(raw('bills/all_bill_example.json')) as Record<string, unknown>[];
    const parsed = parseCaBillsJson([{ ...json[0], NumberCode: 'C 1' }, json[0]]);
    expect(parsed[0]).to.deep.equal({
      position: 'record 1 (C 1)',
      error: "NumberCode 'C 1' is not like C-1 or S-290",
    });
    expect(bill(parsed[1]).number).to.equal('1');
  });
});
