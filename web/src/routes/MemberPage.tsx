import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useParams, useSearchParams } from 'wouter';
import { memberQuery, memberVotesQuery, RECORD_PAGE } from '../api/queries.ts';
import type { Member } from '../api/types.ts';
import { BarChart } from '../components/BarChart.tsx';
import { ResourceLink } from '../components/ResourceLink.tsx';
import { ErrorNote, Loading, Skeleton } from '../components/Status.tsx';
import { chamberName, formatDateTime, formatDay, formatNumber, formatPct, partyName } from '../format.ts';
import { useTitle } from '../useTitle.ts';

function Stats({ m }: { m: Member }) {
  const s = m.stats;
  return (
    <>
      <dl className="facts big">
        <div>
          <dt>With party</dt>
          <dd data-testid="with-party">{formatPct(s.withPartyPct)}</dd>
        </div>
        <div>
          <dt>Missed votes</dt>
          <dd data-testid="missed">{formatPct(s.missedPct)}</dd>
        </div>
        <div>
          <dt>Roll calls</dt>
          <dd>{formatNumber(s.rollCalls)}</dd>
        </div>
        <div>
          <dt>Against party</dt>
          <dd data-testid="against-party">{formatNumber(s.againstParty)}</dd>
        </div>
      </dl>
      <BarChart
        labels={['Yea', 'Nay', 'Present', 'Not voting']}
        series={[{ name: 'Ballots', className: 'ct-neutral', data: [s.yea, s.nay, s.present, s.notVoting] }]}
        label={`Ballots: ${s.yea} yea, ${s.nay} nay, ${s.present} present, ${s.notVoting} not voting`}
        height={4 * 30 + 30}
        horizontal
        options={{ axisY: { offset: 90, showGrid: false } }}
      />
    </>
  );
}

function VotingRecord({ id }: { id: string }) {
  const [params, setParams] = useSearchParams();
  const cursor = params.get('cursor');
  const { data, error, isPending, isPlaceholderData } = useQuery(memberVotesQuery(id, cursor));
  const client = useQueryClient();
  const next = data?.data.nextCursor ?? null;
  const heading = useRef<HTMLHeadingElement>(null);
  // Warm the next page so that "Older" answers at once.
  useEffect(() => {
    if (next && !isPlaceholderData) void client.prefetchQuery(memberVotesQuery(id, next));
  }, [client, id, next, isPlaceholderData]);
  const go = (c: string | null) => {
    setParams(c ? { cursor: c } : {});
    heading.current?.focus();
  };
  return (
    <section aria-labelledby="record-h">
      <h2 id="record-h" ref={heading} tabIndex={-1}>
        Voting record
      </h2>
      {error ? (
        <ErrorNote error={error} what="voting record" />
      ) : isPending ? (
        <Skeleton lines={RECORD_PAGE} height="1.6em" />
      ) : (
        <>
          <div className="table-scroll">
            <table className={isPlaceholderData ? 'record loading' : 'record'} aria-busy={isPlaceholderData}>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Question</th>
                  <th scope="col">Result</th>
                  <th scope="col">Position</th>
                  <th scope="col">With party</th>
                </tr>
              </thead>
              <tbody>
                {data.data.items.map((item) =>
                  item.vote ? (
                    <tr key={item.vote.id} className={item.withParty === false ? 'dissent' : undefined}>
                      <td className="nowrap">{formatDay(item.vote.date.slice(0, 10))}</td>
                      <td>
                        <ResourceLink kind="vote" id={item.vote.id}>
                          {item.vote.question}
                        </ResourceLink>
                      </td>
                      <td>{item.vote.result}</td>
                      <td>{item.position}</td>
                      <td>{item.withParty === null ? '–' : item.withParty ? 'yes' : <strong>no</strong>}</td>
                    </tr>
                  ) : null,
                )}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Voting record pages">
            <button type="button" disabled={!cursor} onClick={() => go(null)}>
              Newest
            </button>
            <button type="button" disabled={!next || isPlaceholderData} onClick={() => go(next)}>
              Older
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

export default function MemberPage() {
  const { id } = useParams<{ id: string }>();
  const { data, error, isPending } = useQuery(memberQuery(id));
  const m = data?.data;
  useTitle(m ? m.name.full : 'Member');
  if (error) return <ErrorNote error={error} what="member" />;
  if (isPending || !m)
    return (
      <Loading what="member">
        <Skeleton lines={1} />
        <Skeleton lines={2} height="2em" />
        <Skeleton lines={8} />
      </Loading>
    );
  const term = m.terms.at(-1);
  return (
    <article className="member" data-testid="member-page">
      <p className="eyebrow">
        {partyName(m.party)}
        {m.region && ` · ${m.region}`}
        {m.district && ` · district ${m.district}`}
        {term?.chamber && ` · ${chamberName(term.chamber)}`}
      </p>
      <h1>{m.name.full}</h1>
      {term && (
        <p className="meta">
          Latest term {formatDay(term.start)} – {formatDay(term.end)} · {m.terms.length} term
          {m.terms.length === 1 ? '' : 's'} on record
        </p>
      )}
      <Stats m={m} />
      {m.recentDissents.length > 0 && (
        <section aria-labelledby="dissents-h">
          <h2 id="dissents-h">Recent votes against their party</h2>
          <ul className="plain">
            {m.recentDissents.map((d) => (
              <li key={d.voteId}>
                <ResourceLink kind="vote" id={d.voteId}>
                  {d.question}
                </ResourceLink>{' '}
                <span className="meta">
                  {d.position} · {formatDateTime(d.date)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <VotingRecord id={id} />
    </article>
  );
}
