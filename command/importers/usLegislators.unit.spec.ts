import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Command } from '../contract/commands.ts';
import { RecordMember } from '../member/member.ts';
import type { Parsed } from './parsed.ts';
import { parseLegislatorsCsv, parseLegislatorsYaml } from './usLegislators.ts';

const DATA = new URL('../../../shared/data/', import.meta.url);
const text = (name: string) => readFileSync(new URL(`us/legislators/${name}`, DATA), 'utf8');
const member = (p: Parsed | undefined) => {
  if (!p || !('command' in p)) throw new Error(`expected a command, got ${JSON.stringify(p)}`);
  return RecordMember.parse(p.command).data;
};

// Facts checked with python3 (yaml.safe_load / csv.DictReader) and grep -n on the files.
describe('US legislators (congress-legislators YAML and CSV -> RecordMember)', () => {
  const yaml = parseLegislatorsYaml(text('legislators-current.yaml'));

  it('makes one valid command per YAML entry: 537, none rejected', () => {
    expect(yaml).to.have.length(537);
    expect(yaml.filter((p) => !('command' in p) || !Command.safeParse(p.command).success)).to.deep.equal([]);
  });

  it('reads Bernard Sanders (entry 3, line 185) with every id that fits and all 12 terms', () => {
    expect(yaml[2]?.position).to.equal('record 3 (line 185)');
    const m = member(yaml[2]);
    // wikipedia and ballotpedia ("Bernie Sanders") and google_entity_id ("kg:/m/01_gbv") cannot be ids.
    expect(m.ids.map((r) => `${r.scheme}:${r.id}`)).to.deep.equal([
      'bioguide:S000033',
      'thomas:01010',
      'lis:S313',
      'govtrack:400357',
      'opensecrets:N00000528',
      'votesmart:27110',
      'fec:H8VT01016',
      'fec:S4VT00033',
      'cspan:994',
      'maplight:450',
      'icpsr:29147',
      'house_history:21173',
      'wikidata:Q359442',
      'pictorial:13382',
    ]);
    expect(m.name).to.deep.equal({ full: 'Bernard Sanders', first: 'Bernard', last: 'Sanders' });
    expect([m.gender, m.birthday]).to.deep.equal(['M', '1941-09-08']);
    expect(m.terms).to.have.length(12);
    expect(m.terms[0]).to.deep.equal({
      chamber: 'lower',
      start: '1991-01-03',
      end: '1993-01-03',
      party: 'Independent',
      region: 'VT',
      district: '0',
    });
    expect(m.latestTerm).to.deep.equal({
      chamber: 'upper',
      start: '2025-01-03',
      end: '2031-01-03',
      party: 'Independent',
      region: 'VT',
      district: null,
    });
  });

  it('splits a term at each change of party in its party_affiliations (Van Drew, line 30392; Kiley, line 35842)', () => {
    const at = (line: number) => member(yaml.find((p) => p.position.endsWith(`(line ${line})`)));
    // 2019-2021 says `party: Republican`, but he was a Democrat until 2019-12-18.
    const vanDrew = at(30392);
    expect(vanDrew.ids[0]).to.deep.equal({ scheme: 'bioguide', id: 'V000133' });
    expect(vanDrew.terms.slice(0, 3)).to.deep.equal([
      {
        chamber: 'lower',
        start: '2019-01-03',
        end: '2019-12-18',
        party: 'Democrat',
        region: 'NJ',
        district: '2',
      },
      {
        chamber: 'lower',
        start: '2019-12-19',
        end: '2021-01-03',
        party: 'Republican',
        region: 'NJ',
        district: '2',
      },
      {
        chamber: 'lower',
        start: '2021-01-03',
        end: '2023-01-03',
        party: 'Republican',
        region: 'NJ',
        district: '2',
      },
    ]);
    expect(vanDrew.terms).to.have.length(5); // 4 terms in the file, the first one in two
    const kiley = at(35842);
    expect(kiley.terms.slice(-2).map((t) => [t.start, t.end, t.party])).to.deep.equal([
      ['2025-01-03', '2026-03-08', 'Republican'],
      ['2026-03-09', '2027-01-03', 'Independent'],
    ]);
    expect(kiley.latestTerm).to.include({ start: '2026-03-09', party: 'Independent' });
    // Only these two entries have party_affiliations: every other term is one term, as before.
    const terms = yaml.reduce((n, p) => n + member(p).terms.length, 0);
    const sourceTerms = (text('legislators-current.yaml').match(/^ {2}- type: (rep|sen)$/gm) ?? []).length;
    expect(terms).to.equal(sourceTerms + 2);
  });

  it('reads the current CSV row of Sanders (line 4) with its latest term and no dates', () => {
    const csv = parseLegislatorsCsv(text('legislators-current.csv'));
    expect(csv).to.have.length(537);
    expect(csv[2]?.position).to.equal('row 3 (line 4)');
    const m = member(csv[2]);
    expect(m.ids.map((r) => `${r.scheme}:${r.id}`)).to.deep.equal([
      'bioguide:S000033',
      'thomas:01010',
      'opensecrets:N00000528',
      'lis:S313',
      'fec:H8VT01016',
      'fec:S4VT00033',
      'cspan:994',
      'govtrack:400357',
      'votesmart:27110',
      'icpsr:29147',
    ]);
    expect(m.terms).to.deep.equal([]);
    expect(m.latestTerm).to.deep.equal({
      chamber: 'upper',
      start: null,
      end: null,
      party: 'Independent',
      region: 'VT',
      district: null,
    });
  });

  it('reads all 12,230 historical rows; the last is David Scott (S001157), GA-13', () => {
    const csv = parseLegislatorsCsv(text('legislators-historical.csv'));
    expect(csv).to.have.length(12_230);
    expect(csv.filter((p) => !('command' in p))).to.deep.equal([]);
    const m = member(csv.at(-1));
    expect(m.ids[0]).to.deep.equal({ scheme: 'bioguide', id: 'S001157' });
    expect(m.name.full).to.equal('David Scott');
    expect(m.latestTerm).to.include({ chamber: 'lower', party: 'Democrat', region: 'GA', district: '13' });
    // No two members share an id: "John Conyers, Jr." (line 11861) is one Ballotpedia title, not an id "Jr."
    // that Bob Casey, Jr. (line 12154) would also claim; fec_ids still splits into its ids.
    const owners = new Map<string, string>();
    for (const p of csv) {
      const ids = member(p).ids;
      for (const r of ids.slice(1)) {
        const key = `${r.scheme}:${r.id}`;
        expect(owners.get(key) ?? ids[0]!.id, key).to.equal(ids[0]!.id);
        owners.set(key, ids[0]!.id);
      }
    }
    const sanders = member(parseLegislatorsCsv(text('legislators-current.csv'))[2]);
    expect(sanders.ids.filter((r) => r.scheme === 'fec').map((r) => r.id)).to.deep.equal([
      'H8VT01016',
      'S4VT00033',
    ]);
  });

  it('rejects only the row whose field count is wrong, and a row without a bioguide id', () => {
    const lines = text('legislators-current.csv').split('\r\n').slice(0, 4); // the file has CRLF line ends
    lines[1] = `${lines[1]},extra`;
    lines[3] = lines[3]!.replace(',S000033,', ',,');
    const parsed = parseLegislatorsCsv(lines.join('\r\n'));
    expect(parsed.map((p) => ('error' in p ? `${p.position}: ${p.error}` : p.position))).to.deep.equal([
      'row 1 (line 2): expected 36 fields as in the header, found 37',
      'row 2 (line 3)',
      'row 3 (line 4): missing bioguide id',
    ]);
  });

  it('rejects only the row the CSV parser cannot read (a stray quote), and the other rows land', () => {
    const lines = text('legislators-current.csv').split('\r\n').slice(0, 6);
    lines[2] = lines[2]!.replace(',', ',x"y"z,');
    const parsed = parseLegislatorsCsv(lines.join('\r\n'));
    expect(parsed.filter((p) => 'command' in p).map((p) => p.position)).to.deep.equal([
      'row 1 (line 2)',
      'row 2 (line 4)',
      'row 3 (line 5)',
      'row 4 (line 6)',
    ]);
    const rejected = parsed.filter((p) => 'error' in p);
    expect(rejected.map((p) => p.position)).to.deep.equal(['line 3']);
    expect('error' in rejected[0]! && rejected[0].error).to.match(/^invalid CSV: .*quote/i);
  });

  it('rejects a YAML file with a syntax error at its line (a stray list item inserted as line 26)', () => {
    const broken = text('legislators-current.yaml').replace(
      "    birthday: '1958-10-13'\n",
      "    birthday: '1958-10-13'\n   - stray\n",
    );
    expect(parseLegislatorsYaml(broken)).to.deep.equal([
      {
        position: 'line 26, column 1',
        error: 'invalid YAML: A block sequence may not be used as an implicit map key',
      },
    ]);
  });
});
