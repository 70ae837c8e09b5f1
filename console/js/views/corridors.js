/** Corridors tab: what crosses which border, by mechanism and decision, per day. */
import { aggregate, chartTable, daysBetween, legend, stackedBarChart } from '../chart.js';
import { field, mount } from '../dom.js';
import { plural } from '../format.js';
import { corridorMatrix, matrixTable } from '../matrix.js';
import { FilterError, rangeParams } from '../query.js';
import { h } from '../vnode.js';
import { empty, failures, filterForm, labelled, loading, perCell, problemBox, scrollBox } from './common.js';

const READ = 'read the corridor summary';
const DEFAULT_DAYS = 14;
const CHART_TITLE = 'Cross-border movements per day by decision and mechanism';

const isoDay = (t) => new Date(t).toISOString().slice(0, 10);

/** Mounts the corridors tab into `root`. */
export function corridorsView(root, ctx) {
  const today = Date.now();
  let range = { from: isoDay(today - (DEFAULT_DAYS - 1) * 86_400_000), to: isoDay(today) };
  let rows = [];
  let lastFailed = [];
  let corridor = '';
  let loads = 0;
  let chartData;
  // Drawn at its box's pixel width, so labels keep their size on a phone and the bars fill a wide card.
  const sizer = new ResizeObserver(() => requestAnimationFrame(fitChart));
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Corridors'),
    filterForm(
      'Corridor range',
      apply,
      labelled(
        'cf-from',
        'From day (UTC)',
        h('input', { id: 'cf-from', name: 'from', type: 'date', value: range.from }),
      ),
      labelled(
        'cf-to',
        'To day (UTC)',
        h('input', { id: 'cf-to', name: 'to', type: 'date', value: range.to }),
      ),
      labelled(
        'cf-corridor',
        'Corridor',
        h(
          'select',
          { id: 'cf-corridor', name: 'corridor', onchange: pick },
          h('option', { value: '' }, 'All corridors'),
        ),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show')),
    ),
    h('div', { class: 'results', 'aria-live': 'polite' }),
  );
  const formEl = root.querySelector('form');
  const resultsEl = root.querySelector('.results');
  const corridorEl = root.querySelector('#cf-corridor');

  function apply(event) {
    event.preventDefault();
    range = { from: field(formEl, 'from'), to: field(formEl, 'to') };
    return load();
  }

  function pick() {
    corridor = corridorEl.value;
    draw(lastFailed);
  }

  /** Empties the corridor choice: it lists the corridors of the last answer only. */
  function corridorChoices(corridors) {
    if (!corridors.includes(corridor)) corridor = '';
    mount(
      corridorEl,
      h('option', { value: '' }, 'All corridors'),
      corridors.map((c) => h('option', { value: c, selected: c === corridor }, c.replace(':', ' → '))),
    );
  }

  async function load() {
    const current = ++loads;
    rows = [];
    lastFailed = [];
    let search;
    try {
      search = rangeParams({ from: range.from, to: range.to ? `${range.to}T23:59:59.999Z` : '' });
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      corridorChoices([]);
      mount(resultsEl, problemBox({ title: 'Check the range', detail: error.message }));
      ctx.announce(`Check the range: ${error.message}`);
      return;
    }
    mount(resultsEl, loading('Loading corridors…'));
    const { ok, failed } = await perCell(ctx.cells(), (cell, actionId) =>
      ctx.api.json(cell, 'corridors', { search, action: READ, actionId }),
    );
    if (current !== loads) return;
    rows = ok.flatMap(({ value }) => value.rows ?? []);
    lastFailed = failed;
    corridorChoices([...new Set(rows.map((r) => `${r.from}:${r.to}`))].sort());
    if (!ok.length) {
      mount(resultsEl, failures(failed));
      ctx.announce('No cell answered');
      return;
    }
    draw(failed);
  }

  function draw(failed) {
    const shown = corridor ? rows.filter((r) => `${r.from}:${r.to}` === corridor) : rows;
    const days = range.from && range.to ? daysBetween(range.from, range.to) : undefined;
    const data = aggregate(shown, days);
    ctx.announce(`${plural(data.total, 'movement', 'movements')} in range`);
    if (!shown.length) {
      mount(
        resultsEl,
        failures(failed),
        empty('No cross-border movements in this range for the selected cells.'),
      );
      return;
    }
    mount(
      resultsEl,
      failures(failed),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'corridor-chart-h' },
        h(
          'h3',
          { id: 'corridor-chart-h' },
          'Movements per day',
          h(
            'span',
            { class: 'sub' },
            ` · ${plural(data.total, 'movement', 'movements')}${corridor ? ` · ${corridor.replace(':', ' → ')}` : ''}`,
          ),
        ),
        h('div', { class: 'chart-wrap' }, stackedBarChart(data, { title: CHART_TITLE })),
        legend(data.series),
        h(
          'details',
          null,
          h('summary', null, 'Show the numbers as a table'),
          scrollBox('Movements per day as a table', chartTable(data)),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'corridor-matrix-h' },
        h('h3', { id: 'corridor-matrix-h' }, 'Corridor matrix'),
        scrollBox('Corridor matrix table', matrixTable(corridorMatrix(shown))),
      ),
    );
    chartData = data;
    sizer.disconnect();
    const wrap = resultsEl.querySelector('.chart-wrap');
    if (wrap) {
      sizer.observe(wrap);
      fitChart();
    }
  }

  /** Redraws the chart at the width its card gives it (none while the tab is hidden). */
  function fitChart() {
    const wrap = resultsEl.querySelector('.chart-wrap');
    const width = Math.floor(wrap?.clientWidth ?? 0);
    if (!wrap || !chartData || !width || wrap.dataset.width === String(width)) return;
    wrap.dataset.width = String(width);
    const height = Math.round(Math.min(280, Math.max(200, width * 0.45)));
    mount(wrap, stackedBarChart(chartData, { title: CHART_TITLE, width, height }));
  }

  return { refresh: load };
}
