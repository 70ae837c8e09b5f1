/**
 * The corridor chart as pure data: per-day stacked bars of cross-border
 * movements by decision and mechanism, a legend, a text table alternative and
 * a from → to matrix. Returns `vnode.js` nodes (inline SVG), so it runs in Node.
 */
import { h } from './vnode.js';

const DAY_MS = 86_400_000;
const MAX_DAYS = 92;

/** Series a corridor row belongs to: each allowed mechanism apart, every denial together. */
export function seriesKey(row) {
  return row.decision === 'denied' ? 'denied' : `allowed:${row.mechanism ?? 'none'}`;
}

function seriesLabel(key) {
  if (key === 'denied') return 'Denied';
  const mechanism = key.slice('allowed:'.length);
  return `Allowed · ${mechanism === 'none' ? 'no mechanism' : mechanism.replaceAll('-', ' ')}`;
}

/** The series present in the rows: allowed ones by name, `denied` last; each with a CSS class. */
export function seriesOf(rows) {
  const keys = [...new Set(rows.map(seriesKey))].sort((a, b) => {
    if (a === 'denied') return 1;
    if (b === 'denied') return -1;
    return a.localeCompare(b);
  });
  let allowedIndex = 0;
  return keys.map((key) => ({
    key,
    label: seriesLabel(key),
    className: key === 'denied' ? 'series-denied' : `series-${allowedIndex++ % 6}`,
  }));
}

/** Every day from `from` to `to` inclusive (`YYYY-MM-DD`), at most 92, newest kept. */
export function daysBetween(from, to) {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) return [];
  const days = [];
  for (let t = Math.max(start, end - (MAX_DAYS - 1) * DAY_MS); t <= end; t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * Sums rows per day and series. Days default to the span of the rows.
 * @returns {{ days: string[], series: Array<{key,label,className}>, counts: Map<string, Map<string, number>>, max: number, total: number }}
 */
export function aggregate(rows, days) {
  const sorted = rows.map((r) => r.day).sort();
  const span = days ?? (sorted.length ? daysBetween(sorted[0], sorted[sorted.length - 1]) : []);
  const counts = new Map(span.map((d) => [d, new Map()]));
  let total = 0;
  for (const row of rows) {
    const day = counts.get(row.day);
    if (!day) continue;
    const key = seriesKey(row);
    day.set(key, (day.get(key) ?? 0) + row.count);
    total += row.count;
  }
  const dayTotals = [...counts.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0));
  return { days: span, series: seriesOf(rows), counts, max: Math.max(0, ...dayTotals), total };
}

/** A y-axis top and ticks at 1, 2 or 5 × 10ⁿ steps, about five of them. */
export function niceScale(max) {
  if (max <= 0) return { top: 1, ticks: [0, 1] };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  return { top, ticks };
}

/** Room one day label (`MM-DD` at 11px) needs on the x axis, in viewBox units. */
const LABEL_ROOM = 44;

/**
 * Which days get an x-axis label: as many as fit in `plotWidth`, evenly spaced and
 * counted back from the newest, so the newest day is always labelled.
 */
export function labelledDays(days, plotWidth) {
  const fit = Math.max(1, Math.floor(plotWidth / LABEL_ROOM));
  const every = Math.max(1, Math.ceil(days.length / fit));
  return new Set(days.filter((_, i) => (days.length - 1 - i) % every === 0));
}

/**
 * The stacked bar chart as an SVG node: one bar per day, one segment per series,
 * each segment titled with its count for pointer users. Give `width` the pixel
 * width it is drawn at (CSS scales it to 100% of its box), so text keeps its size.
 */
export function stackedBarChart(data, options = {}) {
  const width = options.width ?? 760;
  const height = options.height ?? 280;
  const m = { top: 16, right: 20, bottom: 36, left: 44 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const { top, ticks } = niceScale(data.max);
  const y = (v) => m.top + plotH - (v / top) * plotH;
  const slot = data.days.length ? plotW / data.days.length : plotW;
  const barW = Math.max(2, Math.min(36, slot * 0.7));
  const labelled = labelledDays(data.days, plotW);
  const summary = `${data.total} movements over ${data.days.length} days`;
  return h(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': 'chart-title chart-desc',
      preserveAspectRatio: 'xMidYMid meet',
    },
    h('title', { id: 'chart-title' }, options.title ?? 'Cross-border movements per day'),
    h('desc', { id: 'chart-desc' }, `${summary}; the table below lists the same numbers.`),
    ticks.map((t) =>
      h(
        'g',
        { class: 'tick' },
        h('line', { x1: m.left, x2: width - m.right, y1: y(t), y2: y(t) }),
        h('text', { x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, t),
      ),
    ),
    data.days.map((day, i) => {
      const x = m.left + i * slot + (slot - barW) / 2;
      let base = 0;
      const segments = data.series.flatMap((s) => {
        const count = data.counts.get(day)?.get(s.key) ?? 0;
        if (!count) return [];
        const rect = h(
          'rect',
          {
            class: `bar ${s.className}`,
            x,
            width: barW,
            y: y(base + count),
            height: y(base) - y(base + count),
          },
          h('title', null, `${day} · ${s.label}: ${count}`),
        );
        base += count;
        return [rect];
      });
      const label = labelled.has(day)
        ? h(
            'text',
            { class: 'day', x: x + barW / 2, y: height - m.bottom + 16, 'text-anchor': 'middle' },
            day.slice(5),
          )
        : null;
      return h('g', { class: 'day-bar', 'data-day': day }, segments, label);
    }),
    h('line', { class: 'axis', x1: m.left, x2: width - m.right, y1: y(0), y2: y(0) }),
  );
}

/** Legend entries of the chart. */
export function legend(series) {
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    series.map((s) =>
      h('li', null, h('span', { class: `swatch ${s.className}`, 'aria-hidden': 'true' }), s.label),
    ),
  );
}

/** The same numbers as a table: one row per day with movements, one column per series. */
export function chartTable(data) {
  const days = data.days.filter((d) => (data.counts.get(d)?.size ?? 0) > 0);
  return h(
    'table',
    { class: 'data-table compact' },
    h('caption', null, 'Movements per day by decision and mechanism'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Day'),
        data.series.map((s) => h('th', { scope: 'col' }, s.label)),
      ),
    ),
    h(
      'tbody',
      null,
      days.map((d) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, d),
          data.series.map((s) => h('td', { class: 'num' }, data.counts.get(d)?.get(s.key) ?? 0)),
        ),
      ),
    ),
  );
}
