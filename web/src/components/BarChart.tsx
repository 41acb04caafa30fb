import 'chartist/dist/index.css';
import { type BarChartData, type BarChartOptions, BarChart as Chartist } from 'chartist';
import { useEffect, useRef } from 'react';

export type Series = Readonly<{ name: string; className: string; data: number[] }>;

/**
 * Runs `draw` once the box comes within a screen's height of the viewport, or else when the browser is idle. Either
 * comes after the page has painted: drawing measures the box, and measuring before the first paint would force
 * the layout of the whole page while its text waits to be shown (a bill page has a chart per roll call).
 */
const whenShown = (el: Element, draw: () => void) => {
  let done = false;
  const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && run(), {
    rootMargin: '100% 0px',
  });
  const idle = requestIdleCallback(() => run(), { timeout: 5_000 });
  const stop = () => {
    done = true;
    io.disconnect();
    cancelIdleCallback(idle);
  };
  const run = () => {
    if (done) return;
    stop();
    draw();
  };
  io.observe(el);
  return stop;
};

/**
 * A Chartist bar chart (SVG) in a box of fixed height, so nothing moves when it draws. The SVG is decorative
 * for assistive technology: `label` describes it, and every chart on a page sits beside a table of its numbers.
 */
export function BarChart({
  labels,
  series,
  label,
  height,
  horizontal = false,
  stacked = false,
  options = {},
}: {
  labels: string[];
  series: readonly Series[];
  label: string;
  height: number;
  horizontal?: boolean;
  stacked?: boolean;
  options?: BarChartOptions;
}) {
  const box = useRef<HTMLDivElement>(null);
  const shown = useRef(false);
  // Redraw only when the numbers change, not on every render of the parent.
  const key = JSON.stringify([labels, series, height, horizontal, stacked, options]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for every input of the chart
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let chart: Chartist | null = null;
    const draw = () => {
      shown.current = true;
      // Chartist draws the first horizontal bar at the bottom; reversed, the bars read top-down as given.
      const order = <T,>(xs: readonly T[]) => (horizontal ? [...xs].reverse() : [...xs]);
      const data: BarChartData = {
        labels: order(labels),
        series: series.map((s) => ({ ...s, data: order(s.data) })),
      };
      chart = new Chartist(el, data, {
        height: `${height}px`,
        horizontalBars: horizontal,
        stackBars: stacked,
        seriesBarDistance: stacked ? 0 : 14,
        chartPadding: { top: 8, right: 28, bottom: 0, left: 0 },
        axisX: horizontal ? { onlyInteger: true } : { showGrid: false },
        axisY: horizontal ? { offset: 110, showGrid: false } : { onlyInteger: true, offset: 40 },
        ...options,
      });
    };
    // A chart already drawn is redrawn at once (new numbers); a new one waits (see whenShown).
    const cancel = shown.current ? null : whenShown(el, draw);
    if (!cancel) draw();
    return () => {
      cancel?.();
      chart?.detach();
    };
  }, [key]);
  return <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} />;
}
