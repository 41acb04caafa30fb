import { useQuery } from '@tanstack/react-query';
import { dashboardQuery, recentVotesQuery } from '../api/queries.ts';
import type { Dashboard, VoteListItem } from '../api/types.ts';
import { BarChart } from '../components/BarChart.tsx';
import { Freshness } from '../components/Freshness.tsx';
import { ResourceLink } from '../components/ResourceLink.tsx';
import { ErrorNote, Skeleton } from '../components/Status.tsx';
import {
  billLabel,
  chamberName,
  formatDateTime,
  formatDay,
  formatNumber,
  partyName,
  statusName,
} from '../format.ts';
import { useTitle } from '../useTitle.ts';

// Fixed chart heights: the page has its final layout before the numbers arrive.
const STATUS_CHART_PX = 220;
const UNITY_CHART_PX = 130;
const DISSENTERS_CHART_PX = 290;

function Counters({ d }: { d: Dashboard | undefined }) {
  const items: [string, number | undefined, string][] = [
    ['Bills', d?.bills, 'bills'],
    ['Roll calls', d?.votes.total, 'votes'],
    ['Roll calls, last 30 days', d?.votes.last30Days, 'last30'],
    ['Roll calls, last 7 days', d?.votes.last7Days, 'last7'],
  ];
  return (
    <dl className="counters">
      {items.map(([label, value, key]) => (
        <div key={key}>
          <dt>{label}</dt>
          <dd data-testid={`counter-${key}`}>{d ? formatNumber(value) : '\u00a0'}</dd>
        </div>
      ))}
    </dl>
  );
}

function VoteList({ votes }: { votes: readonly VoteListItem[] }) {
  return (
    <ol className="plain">
      {votes.map((v) => (
        <li key={v.id}>
          <ResourceLink kind="vote" id={v.id}>
            {v.question}
          </ResourceLink>
          <span className="meta">
            {' '}
            {chamberName(v.chamber)} · {formatDay(v.date.slice(0, 10))} · {v.result}{' '}
            {v.totals && `${v.totals.yea}–${v.totals.nay}`}
          </span>
        </li>
      ))}
    </ol>
  );
}

function Panel({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
    </section>
  );
}

export default function DashboardPage() {
  useTitle('Dashboard');
  const { data, error, dataUpdatedAt, isPending } = useQuery(dashboardQuery());
  const recent = useQuery(recentVotesQuery());
  if (error && !data) return <ErrorNote error={error} what="dashboard" />;
  const d = data?.data;
  const statuses = d ? Object.entries(d.billsByStatus).sort((a, b) => b[1] - a[1]) : [];
  return (
    <div className="dashboard" data-testid="dashboard-page" aria-busy={isPending}>
      <div className="title-row">
        <h1>117th Congress at a glance</h1>
        {data ? (
          <Freshness meta={data.meta} checkedAt={dataUpdatedAt} live />
        ) : (
          <div className="freshness placeholder" />
        )}
      </div>
      <Counters d={d} />
      {d && d.bills === 0 && d.votes.total === 0 && (
        <p className="note" role="status">
          No data loaded yet. Load some with <code>npm run ingest -- ../shared/data/us/117</code> (see the
          README); this page updates by itself.
        </p>
      )}
      <p className="meta">Newest roll call: {d ? formatDateTime(d.votes.newest) : '\u00a0'}</p>
      <div className="grid">
        <Panel id="status" title="Bills by status">
          {d ? (
            <BarChart
              labels={statuses.map(([s]) => statusName(s))}
              series={[{ name: 'Bills', className: 'ct-neutral', data: statuses.map(([, n]) => n) }]}
              label={`Bills by status: ${statuses.map(([s, n]) => `${statusName(s)} ${n}`).join(', ')}`}
              height={STATUS_CHART_PX}
              horizontal
              options={{ axisY: { offset: 150, showGrid: false } }}
            />
          ) : (
            <div style={{ height: STATUS_CHART_PX }} />
          )}
        </Panel>
        <Panel id="unity" title="Party unity">
          {d ? (
            <>
              <BarChart
                labels={d.partyUnity.map((p) => partyName(p.party))}
                series={[
                  {
                    name: 'Unity %',
                    className: 'ct-neutral',
                    data: d.partyUnity.map((p) => p.unityPct ?? 0),
                  },
                ]}
                label={`Share of yea/nay ballots cast with the party majority: ${d.partyUnity.map((p) => `${partyName(p.party)} ${p.unityPct}%`).join(', ')}`}
                height={UNITY_CHART_PX}
                horizontal
                options={{ high: 100, low: 0, axisY: { offset: 110, showGrid: false } }}
              />
              <p className="meta">Share of each party's yea/nay ballots cast with its majority.</p>
            </>
          ) : (
            <div style={{ height: UNITY_CHART_PX + 60 }} />
          )}
        </Panel>
        <Panel id="closest" title="Closest votes">
          {d ? <VoteList votes={d.closestVotes} /> : <Skeleton lines={10} />}
        </Panel>
        <Panel id="recent-votes" title="Recent votes">
          {recent.data ? <VoteList votes={recent.data.data.items} /> : <Skeleton lines={8} />}
        </Panel>
        <Panel id="dissenters" title="Top dissenters">
          {d ? (
            <>
              <BarChart
                labels={d.topDissenters.map((m) => m.name ?? m.memberId)}
                series={[
                  {
                    name: 'Against party',
                    className: 'ct-nay',
                    data: d.topDissenters.map((m) => m.againstParty),
                  },
                ]}
                label={`Ballots against the party majority: ${d.topDissenters.map((m) => `${m.name} ${m.againstParty}`).join(', ')}`}
                height={DISSENTERS_CHART_PX}
                horizontal
                options={{ axisY: { offset: 150, showGrid: false } }}
              />
              <ol className="plain compact">
                {d.topDissenters.map((m) => (
                  <li key={m.memberId}>
                    <ResourceLink kind="member" id={m.memberId}>
                      {m.name ?? m.memberId}
                    </ResourceLink>{' '}
                    <span className="meta">
                      {formatNumber(m.againstParty)} against, {formatNumber(m.withParty)} with
                    </span>
                  </li>
                ))}
              </ol>
            </>
          ) : (
            <Skeleton lines={10} />
          )}
        </Panel>
        <Panel id="recent" title="Recent bills">
          {d ? (
            <ol className="plain">
              {d.recentBills.map((b) => (
                <li key={b.id}>
                  <ResourceLink kind="bill" id={b.id}>
                    {billLabel(b.id)}: {b.title}
                  </ResourceLink>
                  <span className="meta">
                    {' '}
                    {statusName(b.status)} · {formatDay(b.latestActionDate)}
                  </span>
                </li>
              ))}
            </ol>
          ) : (
            <Skeleton lines={10} />
          )}
        </Panel>
      </div>
    </div>
  );
}
