import { rgb } from 'pdf-lib';
import { CONTENT_WIDTH, INK, MUTED, PAGE, type PageFlow, RULE, wrap } from './page-flow.js';
import { winAnsiSafe } from './win-ansi.js';

const PALETTE = [
  rgb(0.16, 0.38, 0.65),
  rgb(0.85, 0.46, 0.13),
  rgb(0.22, 0.6, 0.35),
  rgb(0.75, 0.22, 0.25),
  rgb(0.5, 0.36, 0.68),
  rgb(0.55, 0.55, 0.58),
];
const PLOT_HEIGHT = 150;
const AXIS = 30;
const SIZE = 7;

export interface Chart {
  title: string;
  labels: string[];
  series: Array<{ name: string; values: number[] }>;
}

/**
 * A grouped bar chart drawn with vector primitives: one group per label, one bar
 * per series, a y axis from 0 to the largest value with a middle gridline, x labels
 * thinned to what fits, and a legend. Negative or non-finite values draw as 0.
 */
export function drawBarChart(flow: PageFlow, chart: Chart): void {
  const legendRows = Math.ceil(chart.series.length / 4);
  flow.room(PLOT_HEIGHT + 40 + legendRows * 12);
  flow.text(chart.title, { font: flow.fonts.bold, size: 9, gap: 4 });
  const value = (v: number | undefined) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : 0);
  const max = Math.max(1, ...chart.series.flatMap((s) => s.values.map(value)));
  const left = PAGE.margin + AXIS;
  const width = CONTENT_WIDTH - AXIS;
  const bottom = flow.y - PLOT_HEIGHT;
  const { page } = flow;
  for (const fraction of [0, 0.5, 1]) {
    const y = bottom + fraction * PLOT_HEIGHT;
    page.drawLine({ start: { x: left, y }, end: { x: left + width, y }, thickness: 0.5, color: RULE });
    const label = String(Math.round(max * fraction * 10) / 10);
    const w = flow.fonts.regular.widthOfTextAtSize(label, SIZE);
    page.drawText(label, { x: left - 4 - w, y: y - 2, size: SIZE, font: flow.fonts.regular, color: MUTED });
  }
  const groups = Math.max(1, chart.labels.length);
  const groupWidth = width / groups;
  const barWidth = (groupWidth * 0.8) / Math.max(1, chart.series.length);
  chart.series.forEach((series, s) => {
    const color = PALETTE[s % PALETTE.length];
    for (let g = 0; g < groups; g++) {
      const height = (value(series.values[g]) / max) * PLOT_HEIGHT;
      if (height <= 0) continue;
      const x = left + g * groupWidth + groupWidth * 0.1 + s * barWidth;
      page.drawRectangle({ x, y: bottom, width: barWidth, height, ...(color ? { color } : {}) });
    }
  });
  const labels = chart.labels.map((l) => winAnsiSafe(l).slice(0, 40));
  const widest = Math.max(8, ...labels.map((l) => flow.fonts.regular.widthOfTextAtSize(l, SIZE)));
  const every = Math.max(1, Math.ceil((widest + 6) / groupWidth));
  labels.forEach((text, g) => {
    // The last label always shows: the newest period is the one a reader looks for.
    if (g % every !== 0 && g !== groups - 1) return;
    const w = flow.fonts.regular.widthOfTextAtSize(text, SIZE);
    const x = Math.min(left + g * groupWidth + groupWidth / 2 - w / 2, left + width - w);
    page.drawText(text, { x, y: bottom - 10, size: SIZE, font: flow.fonts.regular, color: INK });
  });
  flow.y = bottom - 24;
  drawLegend(
    flow,
    chart.series.map((s) => s.name),
  );
}

function drawLegend(flow: PageFlow, names: string[]): void {
  const column = CONTENT_WIDTH / 4;
  names.forEach((name, i) => {
    const x = PAGE.margin + (i % 4) * column;
    const y = flow.y - Math.floor(i / 4) * 12;
    const color = PALETTE[i % PALETTE.length];
    flow.page.drawRectangle({ x, y, width: 8, height: 8, ...(color ? { color } : {}) });
    const text = wrap(name, flow.fonts.regular, SIZE, column - 14)[0] ?? '';
    flow.page.drawText(text, { x: x + 11, y: y + 1, size: SIZE, font: flow.fonts.regular, color: INK });
  });
  flow.y -= Math.ceil(names.length / 4) * 12 + 8;
}
