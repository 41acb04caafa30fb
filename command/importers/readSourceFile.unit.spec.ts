import { expect } from 'chai';
import { readJson } from '../../infra/testing/realData.ts';
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
