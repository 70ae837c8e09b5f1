/** Bulk replay of parked deliveries: a dry-run count per cell first, then an explicit confirm. */
import { field, mount } from '../dom.js';
import { plural } from '../format.js';
import { FilterError, toIsoInstant } from '../query.js';
import { h } from '../vnode.js';
import { failures, labelled, perCell, problemBox } from './common.js';

const REPLAY = 'replay deliveries';

/**
 * Mounts the bulk replay form into `root`; `onDone` refreshes the list afterwards.
 * @returns {{ show(visible: boolean): void, reset(): void }}
 */
export function bulkReplay(root, ctx, onDone) {
  let pending;
  let counts = 0;
  mount(
    root,
    h(
      'form',
      {
        class: 'filters bulk-form',
        method: 'post',
        action: '#',
        novalidate: true,
        'aria-label': 'Bulk replay',
        onsubmit: count,
      },
      h('p', { class: 'form-title' }, 'Bulk replay of parked deliveries'),
      labelled(
        'bf-from',
        'Parked from (UTC)',
        h('input', { id: 'bf-from', name: 'from', type: 'datetime-local' }),
      ),
      labelled('bf-to', 'Parked to (UTC)', h('input', { id: 'bf-to', name: 'to', type: 'datetime-local' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Count (dry run)')),
    ),
    h('div', { class: 'bulk-status', 'aria-live': 'polite' }),
  );
  const formEl = root.querySelector('form');
  const statusEl = root.querySelector('.bulk-status');

  function window() {
    const from = toIsoInstant('from', field(formEl, 'from')) || '1970-01-01T00:00:00.000Z';
    const to = toIsoInstant('to', field(formEl, 'to')) || new Date().toISOString();
    if (from > to) throw new FilterError('from', 'the start of the range is after its end');
    return { from, to };
  }

  async function count(event) {
    event.preventDefault();
    const current = ++counts;
    pending = undefined;
    let range;
    try {
      range = window();
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      mount(statusEl, problemBox({ title: 'Check the range', detail: error.message }));
      return;
    }
    mount(statusEl);
    const cells = ctx.cells();
    const { ok, failed } = await perCell(cells, (cell, actionId) =>
      ctx.api.json(cell, 'deliveries/replay', {
        method: 'POST',
        body: { ...range, dryRun: true },
        action: REPLAY,
        actionId,
      }),
    );
    if (current !== counts) return;
    if (!ok.length) {
      mount(statusEl, failures(failed));
      return;
    }
    const total = ok.reduce((sum, { value }) => sum + (value.count ?? 0), 0);
    pending = { range, cells: ok.filter(({ value }) => value.count > 0).map(({ cell }) => cell) };
    mount(
      statusEl,
      failures(failed),
      h(
        'div',
        { class: 'notice confirm', role: 'group', 'aria-label': 'Confirm bulk replay' },
        h(
          'p',
          null,
          `${plural(total, 'parked delivery', 'parked deliveries')} in range`,
          ok.length > 1 ? ` (${ok.map(({ cell, value }) => `${cell.id}: ${value.count}`).join(', ')})` : '',
          '.',
        ),
        total
          ? h(
              'div',
              { class: 'actions' },
              h(
                'button',
                { type: 'button', class: 'danger', onclick: confirm },
                `Replay ${plural(total, 'delivery', 'deliveries')}`,
              ),
              h('button', { type: 'button', onclick: cancel }, 'Cancel'),
            )
          : null,
      ),
    );
    ctx.announce(`${total} parked in range`);
  }

  async function confirm() {
    if (!pending) return;
    const { range, cells } = pending;
    pending = undefined;
    const { ok, failed } = await perCell(cells, (cell, actionId) =>
      ctx.api.json(cell, 'deliveries/replay', {
        method: 'POST',
        body: { ...range, dryRun: false },
        action: REPLAY,
        actionId,
      }),
    );
    const requeued = ok.reduce((sum, { value }) => sum + (value.requeued ?? 0), 0);
    const denied = ok.reduce((sum, { value }) => sum + (value.denied ?? 0), 0);
    const expired = ok.reduce((sum, { value }) => sum + (value.expired ?? 0), 0);
    mount(
      statusEl,
      failures(failed),
      h(
        'p',
        { class: 'notice success', role: 'status' },
        `${plural(requeued, 'delivery', 'deliveries')} requeued`,
        denied ? `; ${denied} denied by the residency policy` : '',
        expired ? `; ${expired} no longer stored (retention)` : '',
        '.',
      ),
    );
    ctx.announce(`${requeued} requeued`);
    await onDone();
  }

  function cancel() {
    pending = undefined;
    mount(statusEl, h('p', { class: 'muted' }, 'Bulk replay cancelled.'));
  }

  return {
    show(visible) {
      root.hidden = !visible;
    },
    /** Drops a dry-run count (and its confirm) made for another selection of cells. */
    reset() {
      counts++;
      pending = undefined;
      mount(statusEl);
    },
  };
}
