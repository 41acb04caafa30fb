import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { dataPath, readJson } from '../../infra/testing/realData.ts';
import { readSourceFile } from './readSourceFile.ts';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** What a file's records came to: the commands' positions, and the errors with theirs. */
const outcome = (name: string, value: unknown) => {
  const file = readSourceFile(name, bytes(value));
  if ('skipped' in file) return { skipped: file.skipped };
  return {
    format: file.format,
    landed: file.records.flatMap((r) => ('command' in r ? [r.position] : [])),
    rejected: file.records.flatMap((r) => ('error' in r ? [`${r.position}: ${r.error}`] : [])),
  };
};

describe('readSourceFile: a bad record is rejected on its own, never the reason a file is skipped', () => {
  it('LEGISinfo bills with one record missing its titles: the others land, the bad one is named', () => {
    const [c1] = readJson<Record<string, unknown>[]>('ca/raw/bills/all_bill_example.json');
    const untitled = { ...c1, NumberCode: 'C-2', LongTitleEn: null, ShortTitleEn: '' };
    const short = { ...c1, NumberCode: 'C-3', LongTitleEn: '', ShortTitleEn: 'A short title' };
    expect(outcome('bills.json', [c1, untitled, short])).to.deep.equal({
      format: 'ca-bills-json',
      landed: ['record 1 (C-1)', 'record 3 (C-3)'],
      rejected: ['record 2 (C-2): missing LongTitleEn (or ShortTitleEn)'],
    });
  });

  it('a roll call with a wrong value is recognised as a roll call and rejected with the field', () => {
    const vote = readJson<Record<string, unknown>>('us/117/votes/2021/h49/data.json');
    expect(outcome('data.json', { ...vote, vote_id: 49, number: true })).to.deep.equal({
      format: 'us-vote-json',
      landed: [],
      rejected: ['record 1: number: expected a whole number, got true'],
    });
  });

  it('JSON of neither shape is still skipped, with the reason', () => {
    expect(outcome('other.json', { hello: 'world' }))
      .to.have.property('skipped')
      .that.includes('neither');
  });
});

describe('readSourceFile: an empty or cut-short file is a broken file, not an unknown one', () => {
  const read = (name: string, text: string) => readSourceFile(name, new TextEncoder().encode(text));
  it('rejects an empty file of any source type', () => {
    for (const name of ['a.json', 'a.xml', 'a.yaml', 'a.csv'])
      expect(read(name, ' \n'), name).to.deep.equal({
        format: null,
        records: [{ position: 'file', error: 'empty file' }],
      });
  });

  it('rejects XML cut short before its root element, and finds a root behind 4 KB of comments', () => {
    expect(read('a.xml', '<?xml version="1.0"?>\n<!-- cut')).to.deep.equal({
      format: null,
      records: [{ position: 'file', error: 'invalid XML: no root element' }],
    });
    const padded = `<?xml version="1.0"?>\n<!--${'x'.repeat(5_000)}-->\n<Unknown/>`;
    expect(read('a.xml', padded)).to.deep.equal({
      skipped: 'XML whose root <Unknown> is not a known format',
    });
  });
});

describe('readSourceFile: a syntax error in a multi-record XML file costs that record, not the file', () => {
  const votes = readFileSync(dataPath('ca/raw/members/votes/votes_example.xml'), 'utf8');
  const bills = readFileSync(dataPath('ca/raw/bills/bills_recently_introduced.xml'), 'utf8');
  const read = (name: string, text: string) => {
    const file = readSourceFile(name, new TextEncoder().encode(text));
    if ('skipped' in file) throw new Error(`skipped: ${file.skipped}`);
    return {
      format: file.format,
      landed: file.records.flatMap((r) => ('command' in r ? [r.position] : [])),
      rejected: file.records.flatMap((r) => ('error' in r ? [`${r.position}: ${r.error}`] : [])),
    };
  };
  /** Where the nth (from 1) occurrence of `tag` starts. */
  const nth = (text: string, tag: string, n: number) => {
    let at = -1;
    for (let i = 0; i < n; i += 1) at = text.indexOf(tag, at + 1);
    if (at < 0) throw new Error(`no ${tag} #${n}`);
    return at;
  };
  /** Line and column (from 1) of an offset, counted independently of the code under test. */
  const lineColumn = (text: string, offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
  };
  const positions = readSourceFile('votes.xml', new TextEncoder().encode(votes));
  const allVotes = 'records' in positions ? positions.records.map((r) => r.position) : [];

  it('ourcommons votes with record 5 missing </DecisionDivisionSubject>: 831 land, record 5 is named', () => {
    expect(allVotes).to.have.length(832);
    const five = nth(votes, '<MemberVote>', 5);
    const cut = votes.indexOf('</DecisionDivisionSubject>', five);
    const broken = votes.slice(0, cut) + votes.slice(cut + '</DecisionDivisionSubject>'.length);
    const end = broken.indexOf('</MemberVote>', five);
    const r = read('votes.xml', broken);
    expect(r.format).to.equal('ca-votes-xml');
    expect(r.landed).to.deep.equal(allVotes.filter((_p, i) => i !== 4));
    expect(r.rejected).to.deep.equal([
      // The file is one line: the column is what finds the record.
      `record 5 (${lineColumn(broken, end)}): invalid XML: Expected closing tag 'DecisionDivisionSubject' ` +
        `(opened in ${lineColumn(broken, broken.indexOf('<DecisionDivisionSubject>', five)).replace('column', 'col')}) ` +
        `instead of closing tag 'MemberVote'.`,
    ]);
  });

  it('ourcommons votes with an unescaped & in record 9: 831 land, record 9 is named at the &', () => {
    const nine = nth(votes, '<MemberVote>', 9);
    const at = votes.indexOf('</DecisionDivisionSubject>', nine);
    const broken = `${votes.slice(0, at)} R&D${votes.slice(at)}`;
    const r = read('votes.xml', broken);
    expect(r.landed).to.deep.equal(allVotes.filter((_p, i) => i !== 8));
    expect(r.rejected).to.deep.equal([
      `record 9 (${lineColumn(broken, at + 2)}): invalid XML: char '&' is not expected.`,
    ]);
  });

  it('ourcommons votes cut off mid-record: the complete records before the cut land, the cut one is named', () => {
    const cut = votes.slice(0, votes.length >> 1);
    const complete = cut.split('</MemberVote>').length - 1;
    const r = read('votes.xml', cut);
    expect(complete).to.be.greaterThan(100);
    expect(r.landed).to.deep.equal(allVotes.slice(0, complete));
    expect(r.rejected).to.deep.equal([
      `record ${complete + 1} (${lineColumn(cut, nth(cut, '<MemberVote>', complete + 1))}): ` +
        'file ends inside this record (truncated): <MemberVote> has no </MemberVote>',
    ]);
  });

  it('LEGISinfo bills XML (many lines): a broken record is located by its line in the file', () => {
    const four = nth(bills, '<Bill>', 4);
    const at = bills.indexOf('</LongTitleEn>', four);
    const broken = bills.slice(0, at) + bills.slice(at + '</LongTitleEn>'.length);
    const r = read('bills.xml', broken);
    expect(r.format).to.equal('ca-bills-xml');
    expect(r.landed.map((p) => p.split(' (')[0])).to.deep.equal(
      ['1', '2', '3', '5', '6', '7'].map((n) => `record ${n}`),
    );
    const where = lineColumn(broken, broken.indexOf('</Bill>', four));
    expect(where).to.not.match(/^line 1,/);
    expect(r.rejected).to.deep.equal([
      `record 4 (${where}): invalid XML: Expected closing tag 'LongTitleEn' ` +
        `(opened in ${lineColumn(broken, broken.indexOf('<LongTitleEn>', four)).replace('column', 'col')}) ` +
        `instead of closing tag 'Bill'.`,
    ]);
  });

  it('LEGISinfo bills XML without one </Bill>, or cut off between records: the others land', () => {
    const three = nth(bills, '<Bill>', 3);
    const close = bills.indexOf('</Bill>', three);
    const unclosed = read('bills.xml', bills.slice(0, close) + bills.slice(close + '</Bill>'.length));
    expect(unclosed.landed).to.have.length(6);
    expect(unclosed.rejected).to.deep.equal([
      `record 3 (${lineColumn(bills, three)}): invalid XML: <Bill> is not closed before the next <Bill> or </Bills>`,
    ]);
    const cut = bills.slice(0, bills.indexOf('</Bill>', nth(bills, '<Bill>', 5)) + '</Bill>'.length);
    const truncated = read('bills.xml', cut);
    expect(truncated.landed).to.have.length(5);
    expect(truncated.rejected).to.deep.equal([
      `${lineColumn(cut, cut.length)}: file ends before </Bills> (truncated after record 5)`,
    ]);
  });

  it('an error between records costs no record and is still reported where it is', () => {
    const three = nth(bills, '<Bill>', 3);
    const broken = `${bills.slice(0, three)}& ${bills.slice(three)}`;
    const r = read('bills.xml', broken);
    expect(r.landed).to.have.length(7);
    expect(r.rejected).to.deep.equal([
      `${lineColumn(broken, three)}: invalid XML: char '&' is not expected.`,
    ]);
  });
});
