/**
 * Review queue tab: movements by review state across the selected cells, counts per
 * corridor and state, and marking them reviewed, flagged or escalated (a privacy
 * officer also resolves flags and escalations), with each movement's review history.
 */
import { field, mount } from '../dom.js';
import { corridorLabel, formatTime, mechanismLabel, noteLabel, plural, words } from '../format.js';
import { FilterError, MECHANISMS, REVIEW_STATES, reviewPath, reviewQueueParams } from '../query.js';
import { h } from '../vnode.js';
import {
  badge,
  dataTable,
  empty,
  failures,
  filterForm,
  labelled,
  loading,
  perCell,
  problemBox,
  reviewBadge,
  scrollBox,
  select,
  timeRangeFields,
} from './common.js';

/** Movements read per cell: also the most one review call takes, so a cell's selection is one call. */
const LIMIT = 100;
const READ = 'read the review queue';
const MARK = 'mark movements reviewed, flagged or escalated';
const RESOLVE = 'resolve flagged or escalated movements';
const HISTORY = 'read review history';
const OPEN = new Set(['flagged', 'escalated']);
const DONE = { reviewed: 'marked reviewed', flagged: 'flagged', escalated: 'escalated' };
const NO_PHI =
  'No PHI here: ids and reasons only, never a patient’s name, identifier, date of birth or clinical details. Stored exactly as written and shown to other reviewers.';

const keyOf = (cell, item) => `${cell.id}|${item.review?.ref}`;
const refName = (cell, item) => `${cell.id} ${item.review?.ref ?? '?'}`;
const corridorWords = (corridor) => String(corridor).replace(':', ' → ');

/** Mounts the review queue tab into `root`; returns `refresh()` for when the cell selection changes. */
export function reviewsView(root, ctx) {
  let filters = { state: 'unreviewed' };
  /** @type {Array<{ cell, item }>} */
  let rows = [];
  let selected = new Set();
  let loads = 0;
  let busy = false;

  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Review queue'),
    filterForm(
      'Review queue filters',
      apply,
      labelled(
        'rf-state',
        'Review state',
        h(
          'select',
          { id: 'rf-state', name: 'state' },
          h('option', { value: '' }, 'Any state'),
          REVIEW_STATES.map((s) => h('option', { value: s, selected: s === 'unreviewed' }, s)),
        ),
      ),
      labelled(
        'rf-corridor',
        'Corridor',
        h('input', { id: 'rf-corridor', name: 'corridor', placeholder: 'us:uk', autocomplete: 'off' }),
      ),
      labelled('rf-mechanism', 'Mechanism', select('rf-mechanism', 'mechanism', MECHANISMS)),
      ...timeRangeFields('rf'),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
        h('button', { type: 'reset', onclick: reset }, 'Clear'),
      ),
    ),
    h('section', { class: 'review-counts', 'aria-labelledby': 'review-counts-h' }),
    h(
      'div',
      { class: 'toolbar review-toolbar', role: 'group', 'aria-label': 'Review the selected movements' },
      h('span', { class: 'count', id: 'review-selection', 'aria-live': 'polite' }, 'None selected'),
      h('span', { class: 'spacer' }),
      h(
        'button',
        { type: 'button', class: 'primary', onclick: () => markSelected('reviewed') },
        'Mark reviewed',
      ),
      h('button', { type: 'button', onclick: flagSelected }, 'Flag…'),
      h('button', { type: 'button', onclick: () => markSelected('escalated') }, 'Escalate'),
    ),
    h('div', { class: 'comment-slot' }),
    h('div', { class: 'review-status', tabindex: '-1', 'aria-live': 'polite' }),
    h('div', { class: 'results' }),
    h('div', { class: 'detail-slot' }),
  );
  const formEl = root.querySelector('form');
  const countsEl = root.querySelector('.review-counts');
  const selectionEl = root.querySelector('#review-selection');
  const commentEl = root.querySelector('.comment-slot');
  const statusEl = root.querySelector('.review-status');
  const resultsEl = root.querySelector('.results');
  const detailEl = root.querySelector('.detail-slot');

  function apply(event) {
    event.preventDefault();
    filters = Object.fromEntries(
      ['state', 'corridor', 'mechanism', 'from', 'to'].map((n) => [n, field(formEl, n)]),
    );
    mount(statusEl);
    return load();
  }

  function reset() {
    filters = { state: 'unreviewed' };
    setTimeout(() => {
      formEl.elements.namedItem('state').value = 'unreviewed';
      mount(statusEl);
      load();
    });
  }

  async function load() {
    let search;
    try {
      search = reviewQueueParams(filters, { limit: LIMIT });
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      // Counts and rows of an earlier query would answer a question no longer asked.
      loads++;
      clear();
      mount(resultsEl, problemBox({ title: 'Check the filters', detail: error.message }));
      formEl.elements.namedItem(error.field)?.focus();
      ctx.announce(`Check the filters: ${error.message}`);
      return;
    }
    const current = ++loads;
    clear();
    mount(resultsEl, loading('Loading the review queue…'));
    const { ok, failed } = await perCell(ctx.cells(), (cell, actionId) =>
      ctx.api.json(cell, 'reviews/queue', { search, action: READ, actionId }),
    );
    if (current !== loads) return;
    rows = ok.flatMap(({ cell, value }) => (value.entries ?? []).map((item) => ({ cell, item })));
    rows.sort((a, b) => (a.item.at < b.item.at ? -1 : a.item.at > b.item.at ? 1 : 0));
    const shown = new Set(rows.map(({ cell, item }) => keyOf(cell, item)));
    selected = new Set([...selected].filter((k) => shown.has(k)));
    if (!ok.length) {
      mount(resultsEl, failures(failed));
      ctx.announce('No cell answered');
      return;
    }
    drawCounts(ok);
    draw(ok, failed);
    const state = filters.state || 'matching';
    ctx.announce(`${plural(rows.length, `${state} movement`, `${state} movements`)} shown`);
  }

  /** Forgets the rows and takes the counts off screen until a query answers. */
  function clear() {
    rows = [];
    mount(countsEl);
    mount(resultsEl);
    updateSelection();
  }

  function drawCounts(ok) {
    const counts = ok.flatMap(({ cell, value }) => (value.counts ?? []).map((c) => ({ cell, c })));
    mount(
      countsEl,
      h('h3', { id: 'review-counts-h' }, 'Movements by corridor and review state'),
      counts.length
        ? dataTable(
            'review-counts-table',
            'Movements by cell, corridor and review state, over the period and corridor filtered',
            ['Cell', 'Corridor', ...REVIEW_STATES.map(words)],
            counts,
            ({ cell, c }) =>
              h(
                'tr',
                { 'data-cell': cell.id, 'data-corridor': c.corridor },
                h('td', null, cell.id),
                h('td', { class: 'nowrap' }, corridorWords(c.corridor)),
                REVIEW_STATES.map((s) => h('td', { class: 'num', 'data-state': s }, c[s] ?? 0)),
              ),
          )
        : empty('No movements in the period in the selected cells.'),
      h(
        'p',
        { class: 'muted small' },
        'Counts cover every movement of the period and corridor, whatever the state and mechanism filters.',
      ),
    );
  }

  function draw(ok, failed) {
    const notes = ok.flatMap(({ cell, value }) => [
      value.truncated
        ? h(
            'p',
            { class: 'notice info' },
            `${cell.name}: only the first ${value.scanned} movements of the period were looked through; narrow the period to see the rest.`,
          )
        : null,
      (value.entries ?? []).length >= LIMIT
        ? h(
            'p',
            { class: 'notice info' },
            `${cell.name}: the first ${LIMIT} matching movements are shown; review them or narrow the filters to see more.`,
          )
        : null,
    ]);
    mount(
      resultsEl,
      failures(failed),
      notes,
      rows.length ? table() : empty('No movements match these filters in the selected cells.'),
    );
    updateSelection();
  }

  function table() {
    const officer = ctx.can('privacy-officer');
    const all = h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', id: 'review-select-all', onchange: selectAll }),
      h('span', { class: 'visually-hidden' }, 'Select all shown movements'),
    );
    return dataTable(
      'review-table',
      'Movements to review, oldest first',
      [
        all,
        'Time',
        'Cell',
        'Entry',
        'Kind',
        'Decision',
        'Corridor',
        'Mechanism',
        'Note',
        'Review',
        'Actions',
      ],
      rows,
      ({ cell, item }, i) => {
        const ref = item.review?.ref;
        const name = refName(cell, item);
        return h(
          'tr',
          {
            'data-cell': cell.id,
            'data-ref': ref,
            'data-note': item.noteId,
            'data-state': item.review?.state,
          },
          h(
            'td',
            { class: 'select-col' },
            h(
              'label',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                class: 'row-select',
                id: `review-select-${i}`,
                value: keyOf(cell, item),
                checked: selected.has(keyOf(cell, item)),
                disabled: !ref,
                onchange: pick,
              }),
              h('span', { class: 'visually-hidden' }, `Select movement ${name}`),
            ),
          ),
          h('td', { class: 'nowrap', title: item.at }, formatTime(item.at)),
          h('td', null, cell.id),
          h('td', { class: 'mono' }, ref ?? '—'),
          h('td', null, words(item.kind)),
          h('td', null, badge(item.decision === 'denied' ? 'bad' : 'ok', item.decision, item.reason)),
          h('td', { class: 'nowrap' }, corridorLabel(item)),
          h('td', null, mechanismLabel(item.mechanism)),
          h('td', { class: 'mono' }, noteLabel(item.noteId, item.noteVersion)),
          h('td', { class: 'review-state' }, reviewBadge(item.review)),
          h(
            'td',
            { class: 'row-actions' },
            ref
              ? h(
                  'button',
                  {
                    type: 'button',
                    'data-action': 'history',
                    'aria-label': `History of ${name}`,
                    onclick: () => history(cell, item),
                  },
                  'History',
                )
              : null,
            ref && officer && OPEN.has(item.review?.state)
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'primary',
                    'data-action': 'resolve',
                    'aria-label': `Resolve ${name}…`,
                    onclick: (event) => resolveForm(cell, item, event.currentTarget),
                  },
                  'Resolve…',
                )
              : null,
          ),
        );
      },
    );
  }

  function pick(event) {
    const { value, checked } = event.currentTarget;
    if (checked) selected.add(value);
    else selected.delete(value);
    updateSelection();
  }

  function selectAll(event) {
    const checked = event.currentTarget.checked;
    for (const box of resultsEl.querySelectorAll('input.row-select:not(:disabled)')) {
      box.checked = checked;
      if (checked) selected.add(box.value);
      else selected.delete(box.value);
    }
    updateSelection();
  }

  function updateSelection() {
    const boxes = [...resultsEl.querySelectorAll('input.row-select:not(:disabled)')];
    const count = boxes.filter((b) => b.checked).length;
    const all = resultsEl.querySelector('#review-select-all');
    if (all) {
      all.checked = count > 0 && count === boxes.length;
      all.indeterminate = count > 0 && count < boxes.length;
    }
    selectionEl.textContent = count ? `${plural(count, 'movement', 'movements')} selected` : 'None selected';
  }

  /** The selected rows, or nothing (saying so) when none is. */
  function targets() {
    const chosen = rows.filter(({ cell, item }) => selected.has(keyOf(cell, item)));
    if (!chosen.length)
      mount(
        statusEl,
        problemBox({ title: 'Nothing selected', detail: 'Select one or more movements in the table first.' }),
      );
    return chosen;
  }

  async function markSelected(state, comment, chosen = targets()) {
    if (!chosen.length || busy) return false;
    busy = true;
    const byCell = new Map();
    for (const { cell, item } of chosen) {
      const group = byCell.get(cell.id) ?? { cell, refs: [] };
      group.refs.push(item.review.ref);
      byCell.set(cell.id, group);
    }
    try {
      const { ok, failed } = await perCell(
        [...byCell.values()].map((g) => g.cell),
        (cell, actionId) =>
          ctx.api.json(cell, 'reviews', {
            method: 'POST',
            body: { refs: byCell.get(cell.id).refs, state, ...(comment ? { comment } : {}) },
            action: MARK,
            actionId,
          }),
      );
      const changed = ok.reduce((n, { value }) => n + (value.reviews?.length ?? 0), 0);
      for (const { cell } of ok)
        for (const k of [...selected]) if (k.startsWith(`${cell.id}|`)) selected.delete(k);
      if (ok.length) ctx.dataChanged();
      await load();
      outcome(`${plural(changed, 'movement', 'movements')} ${DONE[state]}`, ok, failed);
      return failed.length === 0;
    } finally {
      busy = false;
    }
  }

  function flagSelected(event) {
    const chosen = targets();
    if (!chosen.length) return;
    const opener = event.currentTarget;
    commentForm({
      title: `Flag ${plural(chosen.length, 'selected movement', 'selected movements')}`,
      label: 'Reason for the flag',
      submit: 'Flag',
      missing: 'A flag needs a reason.',
      opener,
      run: (comment) => markSelected('flagged', comment, chosen),
    });
  }

  function resolveForm(cell, item, opener) {
    const name = refName(cell, item);
    commentForm({
      title: `Resolve ${name} (${item.review.state})`,
      label: 'Resolution note',
      submit: 'Resolve',
      missing: 'A resolution needs a note.',
      opener,
      run: (comment) => resolve(cell, item, comment),
    });
  }

  async function resolve(cell, item, comment) {
    if (busy) return false;
    busy = true;
    try {
      const { ok, failed } = await perCell([cell], (c, actionId) =>
        ctx.api.json(c, reviewPath(item.review.ref, 'resolve'), {
          method: 'POST',
          body: { comment },
          action: RESOLVE,
          actionId,
        }),
      );
      if (ok.length) ctx.dataChanged();
      await load();
      outcome(`${refName(cell, item)} resolved`, ok, failed);
      return failed.length === 0;
    } finally {
      busy = false;
    }
  }

  /**
   * The comment form of a flag or a resolution, under the toolbar: a required text
   * with the no-PHI warning beside it, sent as written.
   */
  function commentForm({ title, label, submit, missing, opener, run }) {
    mount(
      commentEl,
      h(
        'form',
        {
          class: 'card comment-form',
          id: 'review-comment-form',
          method: 'post',
          action: '#',
          novalidate: true,
          'aria-label': title,
          onsubmit: send,
          onkeydown: (event) => event.key === 'Escape' && close(),
        },
        h('p', { class: 'form-title' }, title),
        labelled(
          'review-comment',
          label,
          h('textarea', {
            id: 'review-comment',
            name: 'comment',
            rows: '3',
            maxlength: '1000',
            required: true,
            autocomplete: 'off',
            'aria-describedby': 'review-comment-hint',
          }),
          NO_PHI,
        ),
        h('div', { class: 'comment-problem' }),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', class: 'primary' }, submit),
          h('button', { type: 'button', onclick: close }, 'Cancel'),
        ),
      ),
    );
    const text = commentEl.querySelector('#review-comment');
    text.focus();

    async function send(event) {
      event.preventDefault();
      const comment = text.value.trim();
      if (!comment) {
        mount(commentEl.querySelector('.comment-problem'), problemBox({ title: missing }));
        text.focus();
        return;
      }
      mount(commentEl);
      await run(comment);
      (opener?.isConnected ? opener : statusEl).focus();
    }

    function close() {
      mount(commentEl);
      (opener?.isConnected ? opener : statusEl).focus();
    }
  }

  /** What an action did: a confirmation for the cells that took it, the problem of each that did not. */
  function outcome(message, ok, failed) {
    const refused = failed.filter((f) => f.error?.status !== 401);
    mount(
      statusEl,
      ok.length ? h('p', { class: 'notice success', role: 'status' }, `${message}.`) : null,
      failures(failed),
      refused.length
        ? h(
            'p',
            { class: 'muted' },
            `Nothing was changed in ${refused.map((f) => f.cell.name).join(', ')}: a cell changes all of the movements sent to it or none.`,
          )
        : null,
    );
    ctx.announce(
      refused.length
        ? `Not done in ${refused.map((f) => f.cell.name).join(', ')}: ${refused[0].error?.detail ?? refused[0].error?.title}`
        : `${message}.`,
    );
  }

  async function history(cell, item) {
    const ref = item.review.ref;
    mount(detailEl, loading('Loading review history…'));
    let answer;
    try {
      answer = await ctx.api.json(cell, reviewPath(ref), { action: HISTORY });
    } catch (error) {
      mount(detailEl, problemBox(error, cell.name));
      return;
    }
    const entry = answer.entry ?? item;
    const events = answer.events ?? [];
    const facts = [
      ['Cell', cell.name],
      ['Entry', ref],
      ['Time', formatTime(entry.at)],
      ['Kind', words(entry.kind)],
      ['Corridor', corridorLabel(entry)],
      ['Mechanism', mechanismLabel(entry.mechanism)],
      ['Note', noteLabel(entry.noteId, entry.noteVersion)],
      ['Review', reviewBadge(entry.review)],
    ];
    mount(
      detailEl,
      h(
        'section',
        { class: 'card detail', id: 'review-history', 'aria-labelledby': 'review-history-h', tabindex: '-1' },
        h(
          'div',
          { class: 'detail-head' },
          h('h3', { id: 'review-history-h' }, `Review history of ${refName(cell, item)}`),
          h('span', { class: 'spacer' }),
          h('button', { type: 'button', onclick: () => closeHistory(cell, item) }, 'Close'),
        ),
        h(
          'dl',
          { class: 'facts' },
          facts.map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value))),
        ),
        h('h4', null, 'Review events'),
        events.length
          ? scrollBox(
              'Review events',
              h(
                'table',
                { class: 'data-table compact', id: 'review-events' },
                h('caption', { class: 'visually-hidden' }, 'Every review change, oldest first'),
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Time', 'From', 'To', 'By', 'Role', 'Comment'].map((c) => h('th', { scope: 'col' }, c)),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  events.map((e) =>
                    h(
                      'tr',
                      null,
                      h('td', { class: 'nowrap' }, formatTime(e.at)),
                      h('td', null, e.from),
                      h('td', null, e.to),
                      h('td', null, e.by),
                      h('td', null, words(e.role)),
                      h('td', { class: 'comment' }, e.comment ?? '—'),
                    ),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No review yet: this movement is unreviewed.'),
      ),
    );
    detailEl.querySelector('#review-history')?.focus();
  }

  function closeHistory(cell, item) {
    mount(detailEl);
    const row = resultsEl.querySelector(`tr[data-cell="${cell.id}"][data-ref="${item.review.ref}"]`);
    (row?.querySelector('button[data-action="history"]') ?? statusEl).focus();
  }

  return { refresh: () => load() };
}
