import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'wouter';
import { voteQuery } from '../api/queries.ts';
import type { Vote, VoteBallot } from '../api/types.ts';
import { Later } from '../components/Later.tsx';
import { PartyBars } from '../components/PartyBars.tsx';
import { ResourceLink } from '../components/ResourceLink.tsx';
import { ErrorNote, Loading, Skeleton } from '../components/Status.tsx';
import { billLabel, chamberName, formatDateTime, formatNumber, partyName, resultClass } from '../format.ts';
import { useTitle } from '../useTitle.ts';

const ORDER = ['yea', 'nay', 'present', 'not_voting', 'paired', 'other'];

/** Ballots grouped by the position as recorded (Yea, Aye, Nay, Not Voting...), in the order of their class. */
const byPosition = (ballots: readonly VoteBallot[]) => {
  const groups = new Map<string, VoteBallot[]>();
  for (const b of ballots) {
    const group = groups.get(b.position);
    if (group) group.push(b);
    else groups.set(b.position, [b]);
  }
  return [...groups.entries()].sort(
    ([, a], [, b]) => ORDER.indexOf(a[0]!.class) - ORDER.indexOf(b[0]!.class),
  );
};

/**
 * The names voted for in a roll call that is a choice rather than yea or nay (the Speaker's election: Pelosi 216,
 * McCarthy 209), most votes first: the positions whose ballots are of class `other`. Empty for a yea-nay vote.
 */
const choicesOf = (vote: Vote) => {
  if (!vote.totals || vote.totals.other === 0) return [];
  const other = new Set(vote.ballots.filter((b) => b.class === 'other').map((b) => b.position));
  return Object.entries(vote.positions)
    .filter(([position]) => other.has(position))
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
};

/** Each party's votes per choice, its present and not voting, and the choice most of it made. */
function ChoiceTable({ vote, choices }: { vote: Vote; choices: readonly string[] }) {
  const counts = new Map<string, Map<string, number>>();
  for (const b of vote.ballots) {
    const party = counts.get(b.party ?? '') ?? new Map<string, number>();
    party.set(b.position, (party.get(b.position) ?? 0) + 1);
    counts.set(b.party ?? '', party);
  }
  // One column per name voted for: as wide as the roll call makes it, so it scrolls on a phone.
  return (
    <div className="table-scroll">
      <table className="numbers" data-testid="party-table">
        <caption className="visually-hidden">Votes by party</caption>
        <thead>
          <tr>
            <th scope="col">Party</th>
            {choices.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            <th scope="col">Present</th>
            <th scope="col">Not voting</th>
            <th scope="col">Most voted for</th>
          </tr>
        </thead>
        <tbody>
          {vote.parties.map((p) => {
            const own = counts.get(p.party) ?? new Map<string, number>();
            const ranked = choices.map((c) => [c, own.get(c) ?? 0] as const).sort(([, a], [, b]) => b - a);
            const [top, second] = ranked;
            return (
              <tr key={p.party} data-party={p.party}>
                <th scope="row">{partyName(p.party)}</th>
                {choices.map((c) => (
                  <td key={c}>{own.get(c) ?? 0}</td>
                ))}
                <td data-col="present">{p.counts.present}</td>
                <td data-col="not_voting">{p.counts.not_voting}</td>
                <td>{!top || top[1] === 0 ? '–' : second && second[1] === top[1] ? 'tied' : top[0]}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function PartyTable({ vote }: { vote: Vote }) {
  return (
    <table className="numbers" data-testid="party-table">
      <caption className="visually-hidden">Positions by party</caption>
      <thead>
        <tr>
          <th scope="col">Party</th>
          <th scope="col">Yea</th>
          <th scope="col">Nay</th>
          <th scope="col">Present</th>
          <th scope="col">Not voting</th>
          <th scope="col">Majority</th>
        </tr>
      </thead>
      <tbody>
        {vote.parties.map((p) => (
          <tr key={p.party} data-party={p.party}>
            <th scope="row">{partyName(p.party)}</th>
            <td data-col="yea">{p.counts.yea}</td>
            <td data-col="nay">{p.counts.nay}</td>
            <td data-col="present">{p.counts.present}</td>
            <td data-col="not_voting">{p.counts.not_voting}</td>
            <td>
              {p.majority ?? 'tied'}
              {p.freeVote && ' (free vote)'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Members({ vote }: { vote: Vote }) {
  const [onlyDissenters, setOnlyDissenters] = useState(false);
  const ballots = onlyDissenters ? vote.ballots.filter((b) => b.withParty === false) : vote.ballots;
  return (
    <>
      <label className="toggle">
        <input
          type="checkbox"
          checked={onlyDissenters}
          onChange={(e) => setOnlyDissenters(e.target.checked)}
        />{' '}
        Only members who voted against their party ({vote.dissenters.length})
      </label>
      <Later>
        <div className="positions">
          {byPosition(ballots).map(([position, list]) => (
            <section key={position} aria-label={`${position}: ${list.length}`} className="position-group">
              <h3>
                {position} <span className="count">{list.length}</span>
              </h3>
              <ul className="members">
                {list.map((b) => (
                  <li key={b.memberId} className={b.withParty === false ? 'dissent' : undefined}>
                    <ResourceLink kind="member" id={b.memberId}>
                      {b.name}
                    </ResourceLink>{' '}
                    {/* Senate files print the name as "Baldwin (D-WI)": do not repeat the party and state. */}
                    {!b.name.endsWith(`(${b.party ?? '?'}${b.region ? `-${b.region}` : ''})`) && (
                      <span className="meta">
                        ({b.party ?? '?'}
                        {b.region ? `-${b.region}` : ''})
                      </span>
                    )}
                    {b.withParty === false && (
                      <span className="tag" title="voted against the majority of their party">
                        dissent
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </Later>
    </>
  );
}

export default function VotePage() {
  const { id } = useParams<{ id: string }>();
  const { data, error, isPending } = useQuery(voteQuery(id));
  const vote = data?.data;
  useTitle(vote ? vote.question : 'Vote');
  if (error) return <ErrorNote error={error} what="vote" />;
  if (isPending || !vote)
    return (
      <Loading what="vote">
        <Skeleton lines={1} />
        <Skeleton lines={2} height="2em" />
        <Skeleton lines={10} />
      </Loading>
    );
  const t = vote.totals;
  const choices = choicesOf(vote);
  const [first, second] = choices;
  return (
    <article className="vote" data-testid="vote-page">
      <p className="eyebrow">
        {chamberName(vote.chamber)} roll call {vote.number} · {formatDateTime(vote.date)}
        {vote.category && ` · ${vote.category}`}
      </p>
      <h1>{vote.question}</h1>
      {vote.bill && (
        <p>
          On{' '}
          <ResourceLink kind="bill" id={vote.bill.id}>
            {billLabel(vote.bill.id)}
            {vote.bill.title ? `: ${vote.bill.title}` : ''}
          </ResourceLink>
        </p>
      )}
      <dl className="facts big">
        <div>
          <dt>Result</dt>
          <dd className={resultClass(vote.result)} data-testid="result">
            {vote.result}
          </dd>
        </div>
        {first ? (
          // A choice between names: yea and nay are 0 and the API's margin (yea - nay) says nothing.
          <>
            <div>
              <dt>Votes</dt>
              <dd data-testid="totals">
                {choices.map(([name, n]) => `${name} ${formatNumber(n)}`).join(' – ')}
              </dd>
            </div>
            <div>
              <dt>Margin</dt>
              <dd data-testid="margin">{formatNumber(first[1] - (second?.[1] ?? 0))}</dd>
            </div>
          </>
        ) : (
          <>
            <div>
              <dt>Yea – Nay</dt>
              <dd data-testid="totals">{t ? `${t.yea} – ${t.nay}` : '–'}</dd>
            </div>
            <div>
              <dt>Margin</dt>
              <dd data-testid="margin">{vote.margin === null ? '–' : formatNumber(vote.margin)}</dd>
            </div>
          </>
        )}
        {vote.totalsFrom === 'reported' ? (
          <div>
            <dt>Paired</dt>
            <dd>{t ? formatNumber(t.paired) : '–'}</dd>
          </div>
        ) : (
          <div>
            <dt>Present / not voting</dt>
            <dd>{t ? `${t.present} / ${t.not_voting}` : '–'}</dd>
          </div>
        )}
        {vote.requires && (
          <div>
            <dt>Required</dt>
            <dd>{vote.requires}</dd>
          </div>
        )}
      </dl>
      {vote.totalsFrom === 'reported' && vote.ballotTotals && (
        <p className="note" data-testid="partial-roll">
          Totals as the {vote.chamberName ?? 'chamber'} reported them; the ballots below are the{' '}
          {formatNumber(Object.values(vote.ballotTotals).reduce((n, c) => n + c, 0))} on record here, not the
          whole roll.
        </p>
      )}
      <section aria-labelledby="parties-h">
        <h2 id="parties-h">By party</h2>
        {first ? (
          <ChoiceTable vote={vote} choices={choices.map(([name]) => name)} />
        ) : (
          <>
            <PartyBars
              rows={vote.parties}
              label={`Positions by party: ${vote.parties.map((p) => `${partyName(p.party)} ${p.counts.yea} yea, ${p.counts.nay} nay`).join('; ')}`}
            />
            <PartyTable vote={vote} />
          </>
        )}
      </section>
      <section aria-labelledby="members-h">
        <h2 id="members-h">Members by position</h2>
        <Members vote={vote} />
      </section>
    </article>
  );
}
