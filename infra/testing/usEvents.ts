import { Command } from '../../command/contract/commands.ts';
import { decide } from '../../command/contract/decide.ts';
import { parseUsVote, type UsVoteJson } from '../../command/importers/usVote.ts';
import { readJson } from './realData.ts';

/** Real roll calls as commands / events, e.g. `usVoteCommand('2021/h49')`. */
export const usVoteCommand = (rel: string) =>
  Command.parse(parseUsVote(readJson<UsVoteJson>(`us/117/votes/${rel}/data.json`)));

export const usVoteEvent = (rel: string) =>
  decide(usVoteCommand(rel), { recordedAt: new Date().toISOString() });
