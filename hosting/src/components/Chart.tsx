/**
 * A time-series chart (uPlot, on a canvas) that people who cannot see it can still read: the canvas is an image with a
 * one-sentence summary, a legend names every series in text, and the same numbers are in a table under a disclosure.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ScrollRegion } from './ScrollRegion.js';

/** One line (or bar) of a chart. */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly dash?: readonly number[];
  readonly kind?: 'line' | 'step' | 'bars' | 'points';
}

export interface ChartProps {
  readonly id: string;
  readonly title: string;
  /** What the chart shows, in a sentence: the image's accessible name. */
  readonly summary: string;
  /** Times in milliseconds since the epoch. */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly format: (value: number | null) => string;
  /** For the value axis' ticks, when `format` is too long for them. */
  readonly formatTick?: (value: number) => string;
  readonly formatX: (at: number) => string;
  readonly height?: number;
}

function pathsOf(kind: ChartSeries['kind']) {
  switch (kind) {
    case 'step':
      return uPlot.paths.stepped?.({ align: 1 });
    case 'bars':
      return uPlot.paths.bars?.({ size: [0.6, 40] });
    default:
      return undefined;
  }
}

/** The chart's uPlot options for a width. */
function optionsFor(props: ChartProps, width: number): Options {
  return {
    width,
    height: props.height ?? 200,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [
      { stroke: '#3d4752' },
      { stroke: '#3d4752', size: 72, values: (_u, ticks) => ticks.map((t) => (props.formatTick ?? props.format)(t)) },
    ],
    series: [
      {},
      ...props.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        ...(s.dash ? { dash: [...s.dash] } : {}),
        ...(s.kind === 'bars' ? { fill: `${s.color}55` } : {}),
        ...(s.kind === 'points' ? { points: { show: true, size: 7 }, paths: () => null } : {}),
        ...(pathsOf(s.kind) ? { paths: pathsOf(s.kind) } : {}),
      })),
    ],
  };
}

/** The chart. */
export function Chart(props: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = holder.current;
    if (!el || props.x.length === 0) return undefined;
    const data = [props.x.map((t) => t / 1000), ...props.series.map((s) => [...s.values])] as AlignedData;
    const plot = new uPlot(optionsFor(props, Math.max(el.clientWidth, 240)), data, el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 240), height: props.height ?? 200 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  });
  const captionId = `${props.id}-caption`;
  return (
    <figure class="chart" aria-labelledby={captionId}>
      <figcaption id={captionId}>{props.title}</figcaption>
      <ul class="legend">
        {props.series.map((s) => (
          <li key={s.label}>
            <span class={`swatch${s.dash ? ' dashed' : ''}`} style={{ borderColor: s.color }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
      {props.x.length === 0 ? (
        <p class="muted">No data yet.</p>
      ) : (
        <div ref={holder} class="plot" role="img" aria-label={props.summary} />
      )}
      <details>
        <summary>{props.title}: the numbers</summary>
        <ScrollRegion label={`${props.title}: the numbers`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                {props.series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.x.map((at, i) => (
                <tr key={`${at}-${i}`}>
                  <th scope="row">{props.formatX(at)}</th>
                  {props.series.map((s) => (
                    <td key={s.label}>{props.format(s.values[i] ?? null)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </details>
    </figure>
  );
}
