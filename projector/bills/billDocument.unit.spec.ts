import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { BillRecorded } from '../../command/bill/bill.ts';
import { asList, asNode, asText } from '../../command/importers/values.ts';
import { parseXml } from '../../command/importers/xml.ts';
import { dataPath } from '../../infra/testing/realData.ts';
import { asEvent, usBillCommand } from '../../infra/testing/usEvents.ts';
import { billDocument } from './billDocument.ts';

const render = (rel: string) => {
  const { data } = asEvent(usBillCommand(rel)) as BillRecorded;
  return billDocument(data.billId, data, [], null);
};

const billOf = (rel: string) => {
  const xml = readFileSync(dataPath(`us/117/bills/${rel}/fdsys_billstatus.xml`), 'utf8');
  return asNode(asNode(parseXml(xml, { arrays: new Set(['item']) }).billStatus).bill);
};

/** bill/actions/item as `date[Ttime] text`, in the file's order (newest first). */
const sourceActions = (rel: string) =>
  asList(asNode(billOf(rel).actions).item)
    .map(asNode)
    .map((a) => {
      const time = asText(a.actionTime);
      return `${asText(a.actionDate)}${time ? `T${time}` : ''} ${asText(a.text)}`;
    });

/** The bill's own <latestAction> (not a related bill's): day, time if any, and text with any tag removed. */
const sourceLatest = (rel: string) => {
  const latest = asNode(billOf(rel).latestAction);
  return {
    day: asText(latest.actionDate),
    time: asText(latest.actionTime),
    text: asText(latest.text)?.replace(/<[^>]+>/g, ''),
  };
};

describe('bill document: actions and latest action as the source orders them', () => {
  it('ends H.R. 5305 with "Became Public Law No: 117-43.", after the timed House actions of that day', () => {
    const { document, listItem, latestActionDate } = render('hr/hr5305');
    expect(document.latestAction).to.deep.equal({
      date: '2021-09-30',
      text: 'Became Public Law No: 117-43.',
    });
    expect(listItem.latestAction).to.deep.equal(document.latestAction);
    expect(latestActionDate).to.equal('2021-09-30');
    // The day's 18 items as the file lists them (newest first), read backwards: untimed ones stay in place.
    const day = document.actions.filter((a) => a.date.startsWith('2021-09-30'));
    expect(day.map((a) => `${a.date} ${a.text}`)).to.deep.equal(
      sourceActions('hr/hr5305')
        .filter((a) => a.startsWith('2021-09-30'))
        .reverse(),
    );
    // The Library of Congress repeats the last three, as the file does.
    expect(day.slice(-7).map((a) => `${a.date} ${a.text}`)).to.deep.equal([
      '2021-09-30T15:45:13 Motion to reconsider laid on the table Agreed to without objection.',
      '2021-09-30 Presented to President.',
      '2021-09-30 Presented to President.',
      '2021-09-30 Signed by President.',
      '2021-09-30 Signed by President.',
      '2021-09-30 Became Public Law No: 117-43.',
      '2021-09-30 Became Public Law No: 117-43.',
    ]);
  });

  it("serves each of the 776 us/117 bills' own <latestAction> as its latest action", function () {
    this.timeout(60_000);
    const wrong: string[] = [];
    let checked = 0;
    for (const type of readdirSync(dataPath('us/117/bills'))) {
      for (const dir of readdirSync(dataPath(`us/117/bills/${type}`))) {
        const rel = `${type}/${dir}`;
        const source = sourceLatest(rel);
        const { document, listItem, latestActionDate } = render(rel);
        const date = source.time ? `${source.day}T${source.time}` : source.day;
        if (document.latestAction?.text !== source.text || document.latestAction?.date !== date) {
          wrong.push(`${rel}: ${JSON.stringify(document.latestAction)} vs ${date} ${source.text}`);
        }
        expect(listItem.latestAction).to.deep.equal(document.latestAction);
        expect(latestActionDate).to.equal(source.day);
        checked++;
      }
    }
    expect(checked).to.equal(776);
    expect(wrong).to.deep.equal([]);
  });
});

describe('bill document: a stub bill is named by its label until its record arrives', () => {
  it('takes the title the vote reported, else the label, never the id', () => {
    expect(billDocument('ca-44-1-c-223', null, [], null).document.title).to.equal('C-223');
    expect(billDocument('us-117-hres-838', null, [], null).document.title).to.equal('H.Res. 838');
    expect(billDocument('us-117-hres-838', null, [], 'Providing for consideration').document.title).to.equal(
      'Providing for consideration',
    );
    expect(billDocument('us-117-hres-838', null, [], null).listItem.title).to.equal('H.Res. 838');
  });
});
