/**
 * Line charts as PNG bytes, for learning curves and return-vs-epsilon plots. Chart.js draws onto
 * an @napi-rs/canvas canvas (Skia, prebuilt inside its npm package, so no native build step);
 * animation and responsiveness are off because there is no browser.
 */
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type ChartDataset } from 'chart.js';

Chart.register(...registerables);

export interface LineSeries {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Optional confidence band drawn as a shaded area (same length as y). */
  readonly lower?: readonly number[];
  readonly upper?: readonly number[];
  readonly dashed?: boolean;
  /** CSS colour; defaults cycle through a colour-blind-safe palette. */
  readonly color?: string;
  /** Draw markers at the points (default true for few points). */
  readonly points?: boolean;
  /** Line width in pixels (default 2). */
  readonly lineWidth?: number;
}

export interface LinePlotSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Drawn in reverse: the first series ends up on top (Chart.js paints dataset 0 last). */
  readonly series: readonly LineSeries[];
  readonly width?: number;
  readonly height?: number;
  /** Logarithmic x axis (epsilon sweeps span several decades). Points with x <= 0 are dropped. */
  readonly logX?: boolean;
  readonly yMin?: number;
  readonly yMax?: number;
}

// Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

function points(xs: readonly number[], ys: readonly number[], logX: boolean): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  xs.forEach((x, i) => {
    const y = ys[i];
    if (y !== undefined && Number.isFinite(y) && (!logX || x > 0)) out.push({ x, y });
  });
  return out;
}

function datasetsFor(series: LineSeries, index: number, logX: boolean): ChartDataset<'line', { x: number; y: number }[]>[] {
  const color = series.color ?? PALETTE[index % PALETTE.length] ?? '#000000';
  const showPoints = series.points ?? series.x.length <= 30;
  const line: ChartDataset<'line', { x: number; y: number }[]> = {
    label: series.name,
    data: points(series.x, series.y, logX),
    borderColor: color,
    backgroundColor: color,
    borderWidth: series.lineWidth ?? 2,
    borderDash: series.dashed ? [6, 4] : [],
    pointRadius: showPoints ? 3 : 0,
    tension: 0,
  };
  if (!series.lower || !series.upper) return [line];
  const band = (label: string, ys: readonly number[], fill: false | '-1') => ({
    label,
    data: points(series.x, ys, logX),
    borderColor: 'transparent',
    backgroundColor: withAlpha(color.startsWith('#') ? color : '#000000', 0.18),
    pointRadius: 0,
    fill,
  });
  return [band(`${series.name} lower`, series.lower, false), band(`${series.name} upper`, series.upper, '-1'), line];
}

/** Renders the chart and returns PNG bytes. */
export function renderLinePlot(spec: LinePlotSpec): Buffer {
  const width = spec.width ?? 800;
  const height = spec.height ?? 500;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  const logX = spec.logX ?? false;
  const config: ChartConfiguration<'line', { x: number; y: number }[]> = {
    type: 'line',
    data: { datasets: spec.series.flatMap((series, i) => datasetsFor(series, i, logX)) },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: {
        title: { display: true, text: spec.title, font: { size: 16 } },
        legend: { labels: { filter: (item) => !/ (lower|upper)$/.test(item.text) } },
      },
      scales: {
        x: { type: logX ? 'logarithmic' : 'linear', title: { display: true, text: spec.xLabel } },
        y: {
          title: { display: true, text: spec.yLabel },
          ...(spec.yMin === undefined ? {} : { min: spec.yMin }),
          ...(spec.yMax === undefined ? {} : { max: spec.yMax }),
        },
      },
    },
  };
  // Chart.js accepts any object implementing the 2D context API; Skia's context does.
  const chart = new Chart(context as unknown as ConstructorParameters<typeof Chart>[0], config);
  const png = canvas.toBuffer('image/png');
  chart.destroy();
  return png;
}
