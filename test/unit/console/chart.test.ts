import { loadConsoleModule, type VNode } from './load.js';

interface Row {
  day: string;
  from: string;
  to: string;
  kind: string;
  mechanism: string | null;
  decision: 'allowed' | 'denied';
  count: number;
}
interface Aggregate {
  days: string[];
  series: Array<{ key: string; label: string; className: string }>;
  counts: Map<string, Map<string, number>>;
  max: number;
  total: number;
}
interface ChartModule {
  daysBetween(from: string, to: string): string[];
  aggregate(rows: Row[], days?: string[]): Aggregate;
  niceScale(max: number): { top: number; ticks: number[] };
  stackedBarChart(data: Aggregate, options?: Record<string, unknown>): VNode;
  labelledDays(days: string[], plotWidth: number): Set<string>;
  chartTable(data: Aggregate): VNode;
}
interface MatrixModule {
  corridorMatrix(rows: Row[]): {
    sources: string[];
    destinations: string[];
    cell(from: string, to: string): { allowed: number; denied: number };
  };
  matrixTable(matrix: ReturnType<MatrixModule['corridorMatrix']>): VNode;
}
interface VNodeModule {
  findAll(node: VNode, tag: string): VNode[];
  textOf(node: VNode | string): string;
}

const chart = await loadConsoleModule<ChartModule>('chart.js');
const { corridorMatrix, matrixTable } = await loadConsoleModule<MatrixModule>('matrix.js');
const { findAll, textOf } = await loadConsoleModule<VNodeModule>('vnode.js');

const row = (
  day: string,
  decision: Row['decision'],
  mechanism: string | null,
  count: number,
  from = 'us',
  to = 'uk',
): Row => ({
  day,
  from,
  to,
  kind: 'inbound',
  mechanism,
  decision,
  count,
});
const ROWS = [
  row('2026-11-24', 'allowed', 'adequacy', 2, 'eu', 'uk'),
  row('2026-11-24', 'denied', null, 1, 'us', 'au'),
  row('2026-11-25', 'allowed', 'treatment-disclosure', 3),
  row('2026-11-25', 'denied', 'scc', 1),
];

describe('corridor chart', () => {
  it('lists every day of a range, inclusive', () => {
    expect(chart.daysBetween('2026-11-29', '2026-12-02')).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });

  it('groups allowed rows by mechanism and every denial into one series, denied last', () => {
    // Act
    const data = chart.aggregate(ROWS);
    // Assess
    expect(data.series.map((s) => s.key)).toEqual([
      'allowed:adequacy',
      'allowed:treatment-disclosure',
      'denied',
    ]);
    expect(data.counts.get('2026-11-25')?.get('denied')).toBe(1);
    expect([data.max, data.total]).toEqual([4, 7]);
  });

  it('keeps empty days of the range as empty bars', () => {
    const data = chart.aggregate(ROWS, chart.daysBetween('2026-11-23', '2026-11-25'));
    expect(data.days).toHaveLength(3);
    expect(data.counts.get('2026-11-23')?.size).toBe(0);
  });

  it('picks round ticks that cover the largest bar', () => {
    expect(chart.niceScale(7)).toEqual({ top: 8, ticks: [0, 2, 4, 6, 8] });
  });

  it('draws one segment per day and series, stacked to the day total', () => {
    // Prepare
    const data = chart.aggregate(ROWS);
    // Act
    const svg = chart.stackedBarChart(data, { width: 400, height: 200 });
    // Assess
    const bars = findAll(svg, 'rect');
    expect(bars).toHaveLength(4);
    const day25 = findAll(svg, 'g').find((g) => g.attrs['data-day'] === '2026-11-25') as VNode;
    const heights = findAll(day25, 'rect').map((r) => Number(r.attrs.height));
    const fullHeight = 200 - 16 - 36;
    expect(heights.reduce((a, b) => a + b, 0)).toBeCloseTo((4 / 4) * fullHeight);
    expect(textOf(day25)).toContain('2026-11-25 · Denied: 1');
  });

  it('names the chart for assistive technology and points to the table', () => {
    const svg = chart.stackedBarChart(chart.aggregate(ROWS));
    expect(svg.attrs.role).toBe('img');
    expect(textOf(findAll(svg, 'desc')[0] as VNode)).toBe(
      '7 movements over 2 days; the table below lists the same numbers.',
    );
  });

  it('gives the same numbers as a table, one row per day with movements', () => {
    const table = chart.chartTable(chart.aggregate(ROWS, chart.daysBetween('2026-11-20', '2026-11-25')));
    const rows = findAll(findAll(table, 'tbody')[0] as VNode, 'tr').map((r) =>
      r.children.map((c) => textOf(c)),
    );
    expect(rows).toEqual([
      ['2026-11-24', '2', '0', '1'],
      ['2026-11-25', '0', '3', '1'],
    ]);
  });

  it('counts allowed and denied movements per corridor in the matrix', () => {
    const matrix = corridorMatrix(ROWS);
    expect(matrix.sources).toEqual(['eu', 'us']);
    expect(matrix.destinations).toEqual(['au', 'uk']);
    expect(matrix.cell('us', 'uk')).toEqual({ allowed: 3, denied: 1 });
    expect(matrix.cell('eu', 'au')).toEqual({ allowed: 0, denied: 0 });
  });
});

describe('corridor chart axis and matrix', () => {
  it('labels the newest day of a range, however many days fit', () => {
    // Prepare
    const days = chart.daysBetween('2026-11-17', '2026-11-30');
    // Act
    const svg = chart.stackedBarChart(chart.aggregate(ROWS, days), { width: 360, height: 200 });
    // Assess
    const labels = findAll(svg, 'text')
      .filter((t) => t.attrs.class === 'day')
      .map((t) => textOf(t));
    expect(labels.at(-1)).toBe('11-30');
    expect(labels.length).toBeLessThan(days.length);
  });

  it('labels every day when there is room', () => {
    const days = chart.daysBetween('2026-11-17', '2026-11-30');
    const labels = [...chart.labelledDays(days, 700)];
    expect(labels).toEqual(days);
  });

  it('says "none" in a matrix cell without movements', () => {
    const table = matrixTable(corridorMatrix(ROWS));
    const empty = findAll(table, 'td').filter((td) => String(td.attrs.class).includes('empty'));
    expect(empty.length).toBeGreaterThan(0);
    expect(empty.map((td) => textOf(td))).toEqual(empty.map(() => 'none'));
  });
});
