import { readdirSync, readFileSync } from 'node:fs';
import { Command } from '../../command/contract/commands.ts';
import { decide } from '../../command/contract/decide.ts';
import { parseUsBillStatus } from '../../command/importers/usBillStatus.ts';
import { parseLegislatorsYaml } from '../../command/importers/usLegislators.ts';
import { parseUsVote, type UsVoteJson } from '../../command/importers/usVote.ts';
import { dataPath, readJson } from './realData.ts';

/** Real roll calls as commands / events, e.g. `usVoteCommand('2021/h49')`. */
export const usVoteCommand = (rel: string) =>
  Command.parse(parseUsVote(readJson<UsVoteJson>(`us/117/votes/${rel}/data.json`)));

export const usVoteEvent = (rel: string) =>
  decide(usVoteCommand(rel), { recordedAt: new Date().toISOString() });

/** A real bill status file as a command, e.g. `usBillCommand('hr/hr1319')`. */
export const usBillCommand = (rel: string) =>
  Command.parse(
    parseUsBillStatus(readFileSync(dataPath(`us/117/bills/${rel}/fdsys_billstatus.xml`), 'utf8')),
  );

/** Every bill status file under us/117/bills (776 real bills of the 117th Congress) as commands. */
export const usBillCommands = () =>
  readdirSync(dataPath('us/117/bills')).flatMap((type) =>
    readdirSync(dataPath(`us/117/bills/${type}`)).map((bill) => usBillCommand(`${type}/${bill}`)),
  );

/** A member's record in legislators-current.yaml as a command, by bioguide id, e.g. `usLegislatorCommand('K000367')`. */
export const usLegislatorCommand = (bioguide: string) => {
  const parsed = parseLegislatorsYaml(
    readFileSync(dataPath('us/legislators/legislators-current.yaml'), 'utf8'),
  );
  const record = parsed.find((p) => 'command' in p && JSON.stringify(p.command).includes(`"${bioguide}"`));
  if (!record || !('command' in record))
    throw new Error(`no legislator ${bioguide} in legislators-current.yaml`);
  return Command.parse(record.command);
};

export const asEvent = (command: Command) => decide(command, { recordedAt: new Date().toISOString() });
