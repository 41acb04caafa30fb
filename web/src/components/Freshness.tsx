import { useEffect, useState } from 'react';
import type { Meta } from '../api/types.ts';
import { ago, formatDateTime, formatNumber } from '../format.ts';

/** Re-renders every `ms` so that relative times ("3 s ago") stay true. */
const useNow = (ms: number) => {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
};

/**
 * How fresh the shown data is, from the API's headers: X-Data-As-Of (when the projector applied the newest
 * event the answer reflects), X-Projection-Lag-Ms and X-Data-Position (the event-log position).
 */
export function Freshness({ meta, checkedAt, live }: { meta: Meta; checkedAt: number; live: boolean }) {
  const now = useNow(1_000);
  const asOf = meta.asOf ? Date.parse(meta.asOf) : Number.NaN;
  return (
    <dl className="freshness" data-testid="freshness">
      <div>
        <dt>Data as of</dt>
        <dd>
          {Number.isNaN(asOf) ? (
            '–'
          ) : (
            <time dateTime={meta.asOf ?? undefined} title={formatDateTime(meta.asOf)}>
              {ago(now - asOf)}
            </time>
          )}
        </dd>
      </div>
      <div>
        <dt>Projection lag</dt>
        <dd data-testid="lag">{meta.lagMs === null ? '–' : `${formatNumber(meta.lagMs)} ms`}</dd>
      </div>
      <div>
        <dt>Log position</dt>
        <dd data-testid="position">{meta.position ?? '–'}</dd>
      </div>
      <div>
        <dt>Checked</dt>
        <dd>
          {ago(now - checkedAt)}
          {live && (
            <span className="live" title="refreshes every few seconds">
              {' '}
              · live
            </span>
          )}
        </dd>
      </div>
    </dl>
  );
}
