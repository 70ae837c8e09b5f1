/** Evidence tab: download each selected cell's evidence pack for a period (a zip with a signed manifest). */
import { saveBlob } from '../api.js';
import { field, mount } from '../dom.js';
import { h } from '../vnode.js';
import { filterForm, labelled, loading, problemBox } from './common.js';

const DOWNLOAD = 'download the evidence pack';

/** Mounts the evidence tab into `root`. */
export function evidenceView(root, ctx) {
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Evidence packs'),
    h(
      'p',
      { class: 'lead' },
      'An auditor’s evidence pack per cell: exports, mechanisms, integrity, PHI access, reviews, the records lifecycle, keys and the policy, with a PDF report and a manifest signed by the cell’s digest key (check it with visitbridge verify-evidence).',
    ),
    filterForm(
      'Evidence period',
      (event) => event.preventDefault(),
      labelled('ev-from', 'From', h('input', { id: 'ev-from', name: 'from', type: 'date' })),
      labelled('ev-to', 'To (inclusive)', h('input', { id: 'ev-to', name: 'to', type: 'date' })),
    ),
    h('div', { class: 'cards results', 'aria-live': 'polite' }),
  );
  const form = root.querySelector('form');
  const resultsEl = root.querySelector('.results');

  function refresh() {
    mount(resultsEl, ...ctx.cells().map(card));
  }

  function card(cell) {
    return h(
      'section',
      { class: 'card', 'data-cell': cell.id, 'aria-label': `${cell.name} evidence` },
      h('h3', null, cell.name, h('span', { class: 'sub' }, ` · ${cell.region}`)),
      h(
        'button',
        { type: 'button', class: 'primary', onclick: (e) => download(cell, e.currentTarget) },
        'Download pack',
      ),
      h('div', { class: 'status', 'aria-live': 'polite' }),
    );
  }

  async function download(cell, button) {
    const status = button.parentElement.querySelector('.status');
    const search = new URLSearchParams();
    for (const name of ['from', 'to']) if (field(form, name)) search.set(name, field(form, name));
    mount(status, loading('Building the pack…'));
    try {
      const file = await ctx.api.file(cell, 'evidence', { search, action: DOWNLOAD });
      saveBlob(file.name, file.blob);
      mount(status, h('p', { class: 'notice info' }, `Saved ${file.name}.`));
      ctx.announce(`Saved ${file.name}`);
    } catch (error) {
      mount(status, problemBox(error));
    }
  }

  return { refresh };
}
