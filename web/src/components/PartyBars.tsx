import type { PositionCounts } from '../api/types.ts';
import { partyName } from '../format.ts';
import { BarChart, type Series } from './BarChart.tsx';

export type PartyRow = Readonly<{ party: string; counts: Partial<PositionCounts> }>;

const POSITIONS = [
  ['yea', 'Yea'],
  ['nay', 'Nay'],
  ['present', 'Present'],
  ['not_voting', 'Not voting'],
] as const;

const ROW_PX = 34;

/** Stacked horizontal bars, one per party: yea, nay, present, not voting. */
export function PartyBars({
  rows,
  label,
  compact = false,
}: {
  rows: readonly PartyRow[];
  label: string;
  compact?: boolean;
}) {
  const shown = POSITIONS.filter(([k]) => rows.some((r) => (r.counts[k] ?? 0) > 0));
  const series: Series[] = shown.map(([k, name]) => ({
    name,
    className: `ct-${k}`,
    data: rows.map((r) => r.counts[k] ?? 0),
  }));
  return (
    <figure className={compact ? 'party-bars compact' : 'party-bars'}>
      <BarChart
        labels={rows.map((r) => (compact ? r.party : partyName(r.party)))}
        series={series}
        label={label}
        height={Math.max(1, rows.length) * (compact ? 26 : ROW_PX) + 30}
        horizontal
        stacked
        options={{ axisY: { offset: compact ? 30 : 110, showGrid: false } }}
      />
      <figcaption className="legend">
        {shown.map(([k, name]) => (
          <span key={k} className={`swatch sw-${k}`}>
            {name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
