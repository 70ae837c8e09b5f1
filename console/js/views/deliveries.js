/** Deliveries tab: outbox items by state, their detail, and replay of parked ones. */
import { field, mount } from '../dom.js';
import { attemptLabel, formatTime, noteLabel, outcomeLabel, plural, words } from '../format.js';
import { DELIVERY_STATES, deliveriesParams, deliveryEvent, deliveryPath } from '../query.js';
import { h } from '../vnode.js';
import { bulkReplay } from './bulk-replay.js';
import { empty, failures, labelled, loading, perCell, problemBox } from './common.js';
import { deliveryDetail, stateBadge } from './delivery-detail.js';

const PAGE = 50;
const READ = 'read deliveries';
const REPLAY = 'replay deliveries';
const SETTLED = new Set(['delivered', 'parked', 'waiting']);

/** Mounts the deliveries tab into `root`. */
export function deliveriesView(root, ctx) {
  let state = 'parked';
  let rows = [];
  let cursors = new Map();
  let open;
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Deliveries'),
    h(
      'form',
      {
        class: 'filters',
        method: 'post',
        action: '#',
        'aria-label': 'Delivery state',
        onsubmit: (e) => e.preventDefault(),
      },
      labelled(
        'df-state',
        'State',
        h(
          'select',
          { id: 'df-state', name: 'state', onchange: pickState },
          DELIVERY_STATES.map((s) => h('option', { value: s }, s)),
        ),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => load(true) }, 'Refresh')),
    ),
    h('div', { class: 'bulk' }),
    h('div', { class: 'results', 'aria-live': 'polite' }),
    h('div', { class: 'detail-slot' }),
  );
  const formEl = root.querySelector('form');
  const resultsEl = root.querySelector('.results');
  const detailEl = root.querySelector('.detail-slot');
  const bulk = bulkReplay(root.querySelector('.bulk'), ctx, () => load(true));

  function pickState() {
    state = field(formEl, 'state');
    return load(true);
  }

  async function load(fresh) {
    const cells = fresh ? ctx.cells() : ctx.cells().filter((c) => cursors.get(c.id));
    if (fresh) {
      rows = [];
      cursors = new Map();
      mount(resultsEl, loading('Loading deliveries…'));
    }
    bulk.show(state === 'parked' && ctx.can('integration-admin'));
    const { ok, failed } = await perCell(cells, (cell) =>
      ctx.api.json(cell, 'deliveries', {
        search: deliveriesParams(state, { limit: PAGE, cursor: cursors.get(cell.id) }),
        action: READ,
      }),
    );
    for (const { cell, value } of ok) {
      rows.push(...(value.items ?? []).map((item) => ({ cell, item })));
      cursors.set(cell.id, value.nextCursor);
    }
    rows.sort((a, b) =>
      String(b.item.updatedAt ?? b.item.receivedAt).localeCompare(
        String(a.item.updatedAt ?? a.item.receivedAt),
      ),
    );
    draw(failed);
    ctx.announce(`${plural(rows.length, `${state} delivery`, `${state} deliveries`)} shown`);
  }

  function draw(failed) {
    const more = [...cursors.values()].some(Boolean);
    mount(
      resultsEl,
      failures(failed),
      rows.length ? table() : empty(`No ${state} deliveries in the selected cells.`),
      more
        ? h(
            'div',
            { class: 'more' },
            h('button', { type: 'button', onclick: () => load(false) }, 'Load more'),
          )
        : null,
    );
  }

  function table() {
    const admin = ctx.can('integration-admin');
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table', id: 'deliveries-table' },
        h('caption', { class: 'visually-hidden' }, `${state} deliveries`),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            [
              'Updated',
              'Cell',
              'Note',
              'Event',
              'State',
              'EHR target',
              'Attempts',
              'Last attempt',
              'Park reason',
              'OperationOutcome',
              'Actions',
            ].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          null,
          rows.map(({ cell, item }) =>
            h(
              'tr',
              { 'data-note': item.noteId },
              h('td', { class: 'nowrap' }, formatTime(item.updatedAt ?? item.receivedAt)),
              h('td', null, cell.id),
              h('td', { class: 'mono' }, noteLabel(item.noteId, item.version)),
              h('td', null, words(item.eventKind)),
              h('td', null, stateBadge(item.state)),
              h('td', null, item.ehrTarget ?? '—'),
              h('td', { class: 'num' }, item.attempts ?? 0),
              h('td', null, attemptLabel(item.lastAttempt)),
              h('td', null, words(item.parkReason)),
              h('td', { class: 'outcome' }, outcomeLabel(item.operationOutcome)),
              h(
                'td',
                { class: 'row-actions' },
                h(
                  'button',
                  {
                    type: 'button',
                    onclick: () => detail(cell, item),
                    'aria-label': `Details of ${noteLabel(item.noteId, item.version)}`,
                  },
                  'Details',
                ),
                admin && item.state === 'parked'
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'primary',
                        onclick: () => replay(cell, item),
                        'aria-label': `Replay ${noteLabel(item.noteId, item.version)}`,
                      },
                      'Replay',
                    )
                  : null,
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function fetchItem(cell, item) {
    const search = new URLSearchParams({ event: deliveryEvent(item) });
    return ctx.api.json(cell, deliveryPath(item), { search, action: READ });
  }

  async function detail(cell, item, focus = true) {
    open = { cell, item };
    mount(detailEl, loading('Loading delivery…'));
    try {
      const full = await fetchItem(cell, item);
      if (open?.item !== item) return full;
      mount(
        detailEl,
        deliveryDetail({
          cell,
          item: full,
          canReplay: ctx.can('integration-admin'),
          onReplay: () => replay(cell, full),
          onClose: close,
        }),
      );
      if (focus) detailEl.querySelector('#delivery-detail')?.focus();
      return full;
    } catch (error) {
      mount(detailEl, problemBox(error, cell.name));
      return undefined;
    }
  }

  function close() {
    open = undefined;
    mount(detailEl);
  }

  async function replay(cell, item) {
    const label = noteLabel(item.noteId, item.version);
    try {
      await ctx.api.json(cell, `${deliveryPath(item)}/replay`, {
        method: 'POST',
        body: { event: deliveryEvent(item) },
        action: REPLAY,
      });
    } catch (error) {
      mount(detailEl, problemBox(error, cell.name));
      return;
    }
    ctx.announce(`Replay of ${label} requested`);
    // The worker picks the item up from the stream; follow it until it settles.
    let current = await detail(cell, item, false);
    for (let i = 0; i < 20 && current && !SETTLED.has(current.state); i++) {
      await new Promise((r) => setTimeout(r, 750));
      if (open?.item !== item) break;
      current = await detail(cell, item, false);
    }
    if (current) ctx.announce(`${label} is now ${current.state}`);
    await load(true);
  }

  return { refresh: () => load(true) };
}
