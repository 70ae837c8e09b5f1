/** Shared pieces of every view: problem, loading and empty states, and per-cell fan-out. */
import { newActionId } from '../api.js';
import { mount } from '../dom.js';
import { forbiddenMessage, reviewLabel } from '../format.js';
import { h } from '../vnode.js';

/** A problem shown to the user: the API's title and detail, or what a 403 means for their role. */
export function problemBox(error, cellName) {
  const where = cellName ? `${cellName}: ` : '';
  if (error?.status === 403)
    return h(
      'div',
      { class: 'notice error', role: 'alert' },
      h('strong', null, `${where}${forbiddenMessage(error.action ?? 'do this')}`),
      error.detail ? h('p', null, error.detail) : null,
    );
  return h(
    'div',
    { class: 'notice error', role: 'alert' },
    h('strong', null, `${where}${error?.title ?? 'Something went wrong'}`),
    error?.detail || (!error?.title && error?.message) ? h('p', null, error.detail ?? error.message) : null,
  );
}

export const loading = (text = 'Loading…') =>
  h(
    'p',
    { class: 'state loading', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    text,
  );

export const empty = (text) => h('p', { class: 'state empty' }, text);

/**
 * Runs one call per selected cell in parallel, as one HIM action: `call(cell, actionId)`
 * gets the same new action id for every cell (pass it to the API as `actionId`).
 * One cell failing does not hide the others.
 * @returns {Promise<{ ok: Array<{ cell, value }>, failed: Array<{ cell, error }> }>}
 */
export async function perCell(cells, call) {
  const actionId = newActionId();
  const settled = await Promise.allSettled(cells.map((cell) => call(cell, actionId)));
  const ok = [];
  const failed = [];
  settled.forEach((result, i) => {
    const cell = cells[i];
    if (result.status === 'fulfilled') ok.push({ cell, value: result.value });
    else failed.push({ cell, error: result.reason });
  });
  return { ok, failed };
}

/**
 * The items every cell answered with, each as `{ cell, item }`, newest first by `timeOf(item)`
 * (an ISO instant).
 */
export const newestFirst = (ok, itemsOf, timeOf) =>
  ok
    .flatMap(({ cell, value }) => itemsOf(value).map((item) => ({ cell, item })))
    .sort((a, b) => timeOf(b.item).localeCompare(timeOf(a.item)));

/**
 * Reads one list from every selected cell (one HIM action) and shows it in `el`, newest
 * first: a loading state, then a problem box per cell that failed and `table(rows)` (or
 * `emptyText`); announces how many rows are shown (`shown(count)`).
 * @param {{ path: string, action: string, itemsOf: (value) => unknown[], timeOf: (item) => string,
 *   loadingText: string, emptyText: string, shown: (count: number) => string,
 *   table: (rows: Array<{ cell, item }>) => object }} list
 */
export async function showNewestAcrossCells(ctx, el, list) {
  mount(el, loading(list.loadingText));
  const { ok, failed } = await perCell(ctx.cells(), (cell, actionId) =>
    ctx.api.json(cell, list.path, { action: list.action, actionId }),
  );
  const rows = newestFirst(ok, list.itemsOf, list.timeOf);
  mount(el, failures(failed), rows.length ? list.table(rows) : empty(list.emptyText));
  ctx.announce(list.shown(rows.length));
}

/** One `<option>` per cell, for a form that acts in one cell. */
export const cellOptions = (cells) => cells.map((cell) => h('option', { value: cell.id }, cell.name));

/** Whether no selected cell answered (so an empty result would say nothing true). */
export const noneAnswered = (cells, failed) => failed.length > 0 && failed.length >= cells.length;

/** Problem boxes for the cells that failed, skipping 401s (the app signs out on those). */
export function failures(failed) {
  return failed.filter((f) => f.error?.status !== 401).map((f) => problemBox(f.error, f.cell.name));
}

/** A labelled form control. */
export function labelled(id, label, control, hint) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('small', { id: `${id}-hint` }, hint) : null,
  );
}

/** A filter form: handled in the page by `onsubmit`, never sent anywhere by the browser. */
export function filterForm(label, onsubmit, ...fields) {
  return h(
    'form',
    { class: 'filters', method: 'post', action: '#', novalidate: true, 'aria-label': label, onsubmit },
    ...fields,
  );
}

/** The From / To (UTC) date-time inputs of a time-range filter, named `from` and `to`. */
export function timeRangeFields(prefix) {
  return [
    labelled(
      `${prefix}-from`,
      'From (UTC)',
      h('input', { id: `${prefix}-from`, name: 'from', type: 'datetime-local' }),
    ),
    labelled(
      `${prefix}-to`,
      'To (UTC)',
      h('input', { id: `${prefix}-to`, name: 'to', type: 'datetime-local' }),
    ),
  ];
}

/** A `<select>` with an "any" option first. */
export function select(id, name, options, anyLabel = 'Any') {
  return h(
    'select',
    { id, name },
    anyLabel ? h('option', { value: '' }, anyLabel) : null,
    options.map((o) => h('option', { value: o }, o.replaceAll('-', ' '))),
  );
}

/** A tone badge (`ok`, `warn`, `bad`, `neutral`). */
export const badge = (tone, text, title) => h('span', { class: `badge ${tone}`, title }, text);

/** The review state of a ledger entry as a badge (who set it when, on hover). */
export function reviewBadge(review) {
  const { tone, text, detail } = reviewLabel(review);
  return badge(tone, text, detail);
}

/**
 * A box that scrolls sideways when its content is wider than the screen: named,
 * and focusable so keyboard users can scroll it too.
 */
export const scrollBox = (label, ...children) =>
  h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, ...children);

/**
 * A data table in its scrolling wrapper: a visually hidden caption, a header cell
 * per column label, and the row `rowOf` draws for each of `rows`.
 */
export function dataTable(id, caption, columns, rows, rowOf) {
  return scrollBox(
    caption,
    h(
      'table',
      { class: 'data-table', id },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h('tbody', null, rows.map(rowOf)),
    ),
  );
}

/** The "Load more" button when some cell has more to read (else nothing). */
export const loadMore = (more, onclick) =>
  more ? h('div', { class: 'more' }, h('button', { type: 'button', onclick }, 'Load more')) : null;

/**
 * Rows read page by page from every selected cell and merged newest first, each
 * `{ cell, item }`. `load(true)` starts again from every cell's first page;
 * `load(false)` reads the next page of the cells that have more. One cell failing
 * does not hide the others: `load` resolves to the failures. A load that a later one
 * overtook (new filters or cells while it was reading) changes nothing and resolves
 * to `null`, so answers from superseded queries never mix into the rows; so does one
 * that `reset()` (e.g. filters found invalid) overtook.
 *
 * @param ctx the view context (`cells()`)
 * @param fetch `(cell, cursor, actionId) => Promise<page>`; a page carries `nextCursor` when there is more;
 *   every cell's page of one `load` is one HIM action (one `actionId`)
 * @param itemsOf the items of a page
 * @param timeOf the ISO instant an item sorts by
 */
export function pagedRows(ctx, { fetch, itemsOf, timeOf }) {
  let rows = [];
  let cursors = new Map();
  let latest = 0;
  return {
    rows: () => rows,
    more: () => [...cursors.values()].some(Boolean),
    /** Forgets every row and cursor; a load still reading resolves to `null` and changes nothing. */
    reset() {
      latest++;
      rows = [];
      cursors = new Map();
    },
    async load(fresh) {
      const cells = fresh ? ctx.cells() : ctx.cells().filter((c) => cursors.get(c.id));
      if (fresh) {
        rows = [];
        cursors = new Map();
      }
      const current = ++latest;
      const { ok, failed } = await perCell(cells, (cell, actionId) =>
        fetch(cell, cursors.get(cell.id), actionId),
      );
      if (current !== latest) return null;
      for (const { cell, value } of ok) {
        rows.push(...(itemsOf(value) ?? []).map((item) => ({ cell, item })));
        cursors.set(cell.id, value.nextCursor);
      }
      const time = (row) => String(timeOf(row.item));
      rows.sort((a, b) => (time(a) < time(b) ? 1 : time(a) > time(b) ? -1 : 0));
      return failed;
    },
  };
}
