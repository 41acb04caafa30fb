import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { MouseEvent } from 'react';
import { useParams } from 'wouter';
import { navigate } from 'wouter/use-browser-location';
import { ApiError } from '../api/client.ts';
import { billQuery, capQuery, memberQuery } from '../api/queries.ts';
import type { Bill, Sponsor } from '../api/types.ts';
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
  resultClass,
  sessionName,
  sessionOfId,
  sponsorSearchName,
  statusName,
} from '../format.ts';
import { pathOf, prefetch } from '../prefetch.ts';
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
            <span className={`result ${resultClass(v.result)}`}>
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

const isNotFound = (e: unknown) => e instanceof ApiError && e.status === 404;

/**
 * The sponsor's link. A former member who is only in the historical legislators file (when that is not loaded)
 * has no page under the bill's bioguide id: the link then searches their bills rather than lead to "No such
 * member". The member is asked for when the link is hovered, focused or followed, not on the bill's first render,
 * whose requests are all preloaded by its HTML.
 */
function SponsorLink({ sponsor, memberId }: { sponsor: Sponsor; memberId: string }) {
  const client = useQueryClient();
  // Reads what a prefetch (hover, focus) found; asks nothing itself.
  const { error } = useQuery({ ...memberQuery(memberId), enabled: false });
  const member = pathOf('member', memberId);
  const search = `/search?q=${encodeURIComponent(capQuery(sponsorSearchName(sponsor.name)))}`;
  const follow = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
    e.preventDefault();
    client.fetchQuery(memberQuery(memberId)).then(
      () => navigate(member),
      (err: unknown) => navigate(isNotFound(err) ? search : member),
    );
  };
  return (
    <a
      href={isNotFound(error) ? search : member}
      onClick={follow}
      onMouseEnter={() => prefetch(client, 'member', memberId)}
      onFocus={() => prefetch(client, 'member', memberId)}
    >
      {sponsor.name}
    </a>
  );
}

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
  const others = otherTitles(bill);
  const session = bill.session ?? sessionOfId(bill.id);
  return (
    <article className="bill" data-testid="bill-page">
      <p className="eyebrow">
        {billLabel(bill.id, bill.type, bill.number)} · {session && `${sessionName(session, bill.id)} · `}
        <span className={`badge status-${bill.status}`}>{statusName(bill.status)}</span>
        {/* The legislature's own wording says where the bill is, which the neutral badge cannot. */}
        {bill.statusText && <span data-testid="bill-status-text"> {bill.statusText}</span>}
      </p>
      <h1>{bill.title}</h1>
      <dl className="facts">
        <div>
          <dt>Sponsor</dt>
          <dd>
            {bill.sponsor?.ref?.scheme === 'bioguide' ? (
              <SponsorLink sponsor={bill.sponsor} memberId={`us-${bill.sponsor.ref.id}`} />
            ) : (
              (bill.sponsor?.name ?? '–')
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
