import { useQuery } from '@tanstack/react-query';
import { useParams } from 'wouter';
import { billQuery } from '../api/queries.ts';
import type { Bill } from '../api/types.ts';
import { Later } from '../components/Later.tsx';
import { PartyBars } from '../components/PartyBars.tsx';
import { ResourceLink } from '../components/ResourceLink.tsx';
import { ErrorNote, Loading, Skeleton } from '../components/Status.tsx';
import { SummaryHtml } from '../components/SummaryHtml.tsx';
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

const otherTitles = (bill: Bill) => [
  ...new Map(bill.titles.filter((t) => t.text !== bill.title).map((t) => [t.text, t])).values(),
];

function RollCalls({ bill }: { bill: Bill }) {
  if (bill.votes.length === 0) return <p>No roll-call vote on this bill.</p>;
  return (
    <ol className="roll-calls">
      {[...bill.votes].reverse().map((v) => (
        <li key={v.id} className="roll-call">
          <div className="roll-call-head">
            <ResourceLink kind="vote" id={v.id}>
              {v.question}
            </ResourceLink>
            <span className="meta">
              {chamberName(v.chamber)} roll call {v.number} · {formatDateTime(v.date)}
            </span>
            <span className={`result ${/pass|agree|confirm/i.test(v.result) ? 'passed' : 'failed'}`}>
              {v.result}
              {v.totals && ` ${v.totals.yea}–${v.totals.nay}`}
            </span>
          </div>
          {v.parties && v.parties.length > 0 && (
            <PartyBars
              compact
              rows={v.parties.map((p) => ({ party: p.party, counts: { yea: p.yea, nay: p.nay } }))}
              label={`Yea and nay by party: ${v.parties.map((p) => `${partyName(p.party)} ${p.yea} yea, ${p.nay} nay`).join('; ')}`}
            />
          )}
        </li>
      ))}
    </ol>
  );
}

/** "117th Congress", or for a Canadian bill its Parliament and session ("44th Parliament, session 1"). */
const sessionName = (id: string, session: string) => {
  if (!id.startsWith('ca-')) return `${session}th Congress`;
  const [parliament, number] = session.split('-');
  return `${parliament}th Parliament${number ? `, session ${number}` : ''}`;
};

export default function BillPage() {
  const { id } = useParams<{ id: string }>();
  const { data, error, isPending } = useQuery(billQuery(id));
  const bill = data?.data;
  useTitle(bill ? `${billLabel(bill.id, bill.type, bill.number)}: ${bill.title}` : 'Bill');
  if (error) return <ErrorNote error={error} what="bill" />;
  if (isPending || !bill)
    return (
      <Loading what="bill">
        <p className="eyebrow">
          <Skeleton lines={1} />
        </p>
        <Skeleton lines={2} height="2em" />
        <Skeleton lines={8} />
      </Loading>
    );
  const sponsorId = bill.sponsor?.ref?.scheme === 'bioguide' ? `us-${bill.sponsor.ref.id}` : null;
  const others = otherTitles(bill);
  return (
    <article className="bill" data-testid="bill-page">
      <p className="eyebrow">
        {billLabel(bill.id, bill.type, bill.number)} ·{' '}
        {bill.session ? sessionName(bill.id, bill.session) : ''} ·{' '}
        <span className={`badge status-${bill.status}`}>{statusName(bill.status)}</span>
        {/* The legislature's own wording says where the bill is, which the neutral badge cannot. */}
        {bill.statusText && <span data-testid="bill-status-text"> {bill.statusText}</span>}
      </p>
      <h1>{bill.title}</h1>
      <dl className="facts">
        <div>
          <dt>Sponsor</dt>
          <dd>
            {bill.sponsor ? (
              sponsorId ? (
                <ResourceLink kind="member" id={sponsorId}>
                  {bill.sponsor.name}
                </ResourceLink>
              ) : (
                bill.sponsor.name
              )
            ) : (
              '–'
            )}
            {bill.sponsor?.party && ` (${partyName(bill.sponsor.party)})`}
          </dd>
        </div>
        <div>
          <dt>Introduced</dt>
          <dd>
            {formatDay(bill.introducedDate)}
            {bill.originChamber && ` in the ${chamberName(bill.originChamber)}`}
          </dd>
        </div>
        <div>
          <dt>Policy area</dt>
          <dd>{bill.policyArea ?? '–'}</dd>
        </div>
        <div>
          <dt>Cosponsors</dt>
          <dd>{formatNumber(bill.cosponsors.length)}</dd>
        </div>
        {bill.laws.length > 0 && (
          <div>
            <dt>Law</dt>
            <dd>{bill.laws.map((l) => `${l.type ?? 'Law'} ${l.number ?? ''}`).join(', ')}</dd>
          </div>
        )}
      </dl>
      {others.length > 0 && (
        <details className="titles">
          <summary>Other titles ({others.length})</summary>
          <ul>
            {others.map((t) => (
              <li key={t.text}>
                {t.text} {t.type && <span className="meta">({t.type})</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
      <section aria-labelledby="summary-h">
        <h2 id="summary-h">Summary</h2>
        {bill.summary ? <SummaryHtml html={bill.summary.html} /> : <p>No summary published.</p>}
      </section>
      <section aria-labelledby="votes-h">
        <h2 id="votes-h">Roll calls ({bill.votes.length})</h2>
        <Later>
          <RollCalls bill={bill} />
        </Later>
      </section>
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Status timeline</h2>
        <Later>
          {bill.actions.length === 0 ? (
            <p>No actions recorded.</p>
          ) : (
            <ol className="timeline">
              {bill.actions.map((a, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: actions are a fixed, ordered list
                <li key={i}>
                  <time dateTime={a.date}>{formatDay(a.date)}</time>
                  {a.chamber && <span className="meta"> {chamberName(a.chamber)}</span>}
                  <p>{a.text}</p>
                </li>
              ))}
            </ol>
          )}
        </Later>
      </section>
    </article>
  );
}
