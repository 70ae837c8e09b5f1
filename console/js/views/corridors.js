/** Corridors tab: what crosses which border, by mechanism and decision, per day. */
import { aggregate, chartTable, daysBetween, legend, stackedBarChart } from '../chart.js';
import { field, mount } from '../dom.js';
import { plural } from '../format.js';
import { corridorMatrix, matrixTable } from '../matrix.js';
import { FilterError, rangeParams } from '../query.js';
import { h } from '../vnode.js';
import { empty, failures, filterForm, labelled, loading, perCell, problemBox } from './common.js';

const READ = 'read the corridor summary';
const DEFAULT_DAYS = 14;

const isoDay = (t) => new Date(t).toISOString().slice(0, 10);

/** Mounts the corridors tab into `root`. */
export function corridorsView(root, ctx) {
  const today = Date.now();
  let range = { from: isoDay(today - (DEFAULT_DAYS - 1) * 86_400_000), to: isoDay(today) };
  let rows = [];
  let corridor = '';
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
    draw([]);
  }

  async function load() {
    let search;
    try {
      search = rangeParams({ from: range.from, to: range.to ? `${range.to}T23:59:59.999Z` : '' });
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      mount(resultsEl, problemBox({ title: 'Check the range', detail: error.message }));
      return;
    }
    mount(resultsEl, loading('Loading corridors…'));
    const { ok, failed } = await perCell(ctx.cells(), (cell, actionId) =>
      ctx.api.json(cell, 'corridors', { search, action: READ, actionId }),
    );
    rows = ok.flatMap(({ value }) => value.rows ?? []);
    const corridors = [...new Set(rows.map((r) => `${r.from}:${r.to}`))].sort();
    if (!corridors.includes(corridor)) corridor = '';
    mount(
      corridorEl,
      h('option', { value: '' }, 'All corridors'),
      corridors.map((c) => h('option', { value: c, selected: c === corridor }, c.replace(':', ' → '))),
    );
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
        h(
          'div',
          { class: 'chart-wrap' },
          stackedBarChart(data, { title: 'Cross-border movements per day by decision and mechanism' }),
        ),
        legend(data.series),
        h('details', null, h('summary', null, 'Show the numbers as a table'), chartTable(data)),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'corridor-matrix-h' },
        h('h3', { id: 'corridor-matrix-h' }, 'Corridor matrix'),
        matrixTable(corridorMatrix(shown)),
      ),
    );
  }

  return { refresh: load };
}
