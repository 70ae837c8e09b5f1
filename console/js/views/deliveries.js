/** Deliveries tab: outbox items by state, their detail, and replay of parked ones. */
import { newActionId } from '../api.js';
import { field, mount } from '../dom.js';
import { attemptLabel, formatTime, noteLabel, outcomeLabel, plural, words } from '../format.js';
import { DELIVERY_STATES, deliveriesParams, deliveryEvent, deliveryPath } from '../query.js';
import { h } from '../vnode.js';
import { bulkReplay } from './bulk-replay.js';
import {
  dataTable,
  empty,
  failures,
  filterForm,
  labelled,
  loading,
  loadMore,
  noneAnswered,
  pagedRows,
  problemBox,
} from './common.js';
import { deliveryDetail, stateBadge } from './delivery-detail.js';

const PAGE = 50;
const READ = 'read deliveries';
const REPLAY = 'replay deliveries';
const SETTLED = new Set(['delivered', 'parked', 'waiting']);

/** Mounts the deliveries tab into `root`. */
export function deliveriesView(root, ctx) {
  let state = 'parked';
  let open;
  const pages = pagedRows(ctx, {
    fetch: (cell, cursor, actionId) =>
      ctx.api.json(cell, 'deliveries', {
        search: deliveriesParams(state, { limit: PAGE, cursor }),
        action: READ,
        actionId,
      }),
    itemsOf: (page) => page.items,
    timeOf: (item) => item.updatedAt ?? item.receivedAt,
  });
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Deliveries'),
    filterForm(
      'Delivery state',
      (e) => e.preventDefault(),
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
    bulk.reset();
    return load(true);
  }

  async function load(fresh) {
    if (fresh) mount(resultsEl, loading('Loading deliveries…'));
    bulk.show(state === 'parked' && ctx.can('integration-admin'));
    const failed = await pages.load(fresh);
    if (!failed) return;
    if (fresh && noneAnswered(ctx.cells(), failed)) {
      mount(resultsEl, failures(failed));
      ctx.announce('No cell answered');
      return;
    }
    draw(failed);
    ctx.announce(`${plural(pages.rows().length, `${state} delivery`, `${state} deliveries`)} shown`);
  }

  function draw(failed) {
    const rows = pages.rows();
    mount(
      resultsEl,
      failures(failed),
      rows.length ? table(rows) : empty(`No ${state} deliveries in the selected cells.`),
      loadMore(pages.more(), () => load(false)),
    );
  }

  function table(rows) {
    const admin = ctx.can('integration-admin');
    const columns = [
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
    ];
    return dataTable('deliveries-table', `${state} deliveries`, columns, rows, ({ cell, item }) =>
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
    );
  }

  async function fetchItem(cell, item, actionId) {
    const search = new URLSearchParams({ event: deliveryEvent(item) });
    return ctx.api.json(cell, deliveryPath(item), { search, action: READ, actionId });
  }

  async function detail(cell, item, focus = true, actionId = undefined) {
    open = { cell, item };
    mount(detailEl, loading('Loading delivery…'));
    try {
      const full = await fetchItem(cell, item, actionId);
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
    // The worker picks the item up from the stream; follow it until it settles (one action: the cell records it once).
    const follow = newActionId();
    let current = await detail(cell, item, false, follow);
    for (let i = 0; i < 20 && current && !SETTLED.has(current.state); i++) {
      await new Promise((r) => setTimeout(r, 750));
      if (open?.item !== item) break;
      current = await detail(cell, item, false, follow);
    }
    if (current) ctx.announce(`${label} is now ${current.state}`);
    await load(true);
  }

  return {
    refresh: () => {
      // A dry-run count was for the cells selected then.
      bulk.reset();
      return load(true);
    },
  };
}
