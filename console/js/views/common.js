/** Shared pieces of every view: problem, loading and empty states, and per-cell fan-out. */
import { forbiddenMessage } from '../format.js';
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
 * Runs one call per selected cell in parallel; one cell failing does not hide the others.
 * @returns {Promise<{ ok: Array<{ cell, value }>, failed: Array<{ cell, error }> }>}
 */
export async function perCell(cells, call) {
  const settled = await Promise.allSettled(cells.map((cell) => call(cell)));
  const ok = [];
  const failed = [];
  settled.forEach((result, i) => {
    const cell = cells[i];
    if (result.status === 'fulfilled') ok.push({ cell, value: result.value });
    else failed.push({ cell, error: result.reason });
  });
  return { ok, failed };
}

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
