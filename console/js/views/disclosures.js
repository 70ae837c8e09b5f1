/**
 * Disclosures tab (privacy officers): one patient's disclosure accounting and
 * subject access report from one cell — every movement of their notes and every
 * access to them in a period — shown, or downloaded as CSV or a PDF letter. The
 * identifier goes in the request body, once; the cell keeps only its keyed reference.
 */
import { saveBlob } from '../api.js';
import { field, mount } from '../dom.js';
import { corridorLabel, formatTime, mechanismLabel, noteLabel, plural, words } from '../format.js';
import { PURPOSES_OF_USE } from '../query.js';
import { h } from '../vnode.js';
import { badge, dataTable, empty, filterForm, labelled, loading, problemBox, select } from './common.js';

const REPORT = 'report disclosures';

/** Mounts the disclosures tab into `root`. */
export function disclosuresView(root, ctx) {
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Disclosures'),
    h(
      'p',
      { class: 'lead' },
      'A patient’s accounting of disclosures and subject access report: every movement of their notes and every access to them in a period, from one cell’s ledger and audit log.',
    ),
    filterForm(
      'Disclosure request',
      (event) => {
        event.preventDefault();
        run('json');
      },
      labelled('dc-cell', 'Cell', h('select', { id: 'dc-cell', name: 'cell' })),
      labelled(
        'dc-system',
        'Identifier system',
        h('input', {
          id: 'dc-system',
          name: 'system',
          placeholder: 'https://fhir.nhs.uk/Id/nhs-number',
          autocomplete: 'off',
        }),
      ),
      labelled(
        'dc-value',
        'Identifier value',
        h('input', { id: 'dc-value', name: 'value', autocomplete: 'off', spellcheck: 'false' }),
        'Sent once in the request body; the cell keeps only its keyed reference.',
      ),
      labelled('dc-from', 'From', h('input', { id: 'dc-from', name: 'from', type: 'date' })),
      labelled('dc-to', 'To (inclusive)', h('input', { id: 'dc-to', name: 'to', type: 'date' })),
      labelled('dc-purpose', 'Purpose', select('dc-purpose', 'purpose', PURPOSES_OF_USE, 'Choose…')),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Show report'),
        h('button', { type: 'button', onclick: () => run('csv') }, 'Download CSV'),
        h('button', { type: 'button', onclick: () => run('pdf') }, 'Download PDF letter'),
      ),
    ),
    h('div', { class: 'results', 'aria-live': 'polite' }),
  );
  const form = root.querySelector('form');
  const resultsEl = root.querySelector('.results');

  function refresh() {
    const select = root.querySelector('#dc-cell');
    const current = select.value;
    mount(
      select,
      ...ctx.cells().map((c) => h('option', { value: c.id, selected: c.id === current }, c.name)),
    );
  }

  async function run(format) {
    const cell = ctx.cells().find((c) => c.id === field(form, 'cell'));
    if (!cell) return;
    const body = {
      format,
      patient: { system: field(form, 'system').trim(), value: field(form, 'value').trim() },
    };
    for (const name of ['from', 'to', 'purpose']) {
      const value = field(form, name).trim();
      if (value) body[name] = value;
    }
    const options = { method: 'POST', body, action: REPORT, identifier: true };
    mount(
      resultsEl,
      loading(format === 'json' ? 'Reading the ledger and audit log…' : 'Preparing the file…'),
    );
    try {
      if (format === 'json') {
        const report = await ctx.api.json(cell, 'disclosures', options);
        mount(resultsEl, ...present(report));
        ctx.announce(
          `${plural(report.movements.length, 'movement', 'movements')} and ${plural(report.accesses.length, 'access', 'accesses')}`,
        );
      } else {
        const file = await ctx.api.file(cell, 'disclosures', options);
        saveBlob(file.name, file.blob);
        mount(resultsEl, h('p', { class: 'notice info' }, `Saved ${file.name}.`));
        ctx.announce(`Saved ${file.name}`);
      }
    } catch (error) {
      mount(resultsEl, problemBox(error, cell.name));
    }
  }

  function present(report) {
    const none = report.movements.length === 0 && report.accesses.length === 0;
    return [
      h(
        'p',
        { class: 'muted' },
        `Patient reference ${report.patientRef} · ${formatTime(report.period.from)} to ${formatTime(report.period.to)}`,
      ),
      none
        ? empty('No movement of this patient’s notes and no access to them is recorded in the period.')
        : null,
      h('h3', null, 'Movements'),
      dataTable(
        'disclosure-movements',
        'Movements of the patient’s notes',
        ['When', 'Movement', 'Decision', 'Corridor', 'Recipient', 'Mechanism', 'Purpose', 'Note'],
        report.movements,
        (m) =>
          h(
            'tr',
            null,
            h('td', { class: 'nowrap', title: m.at }, formatTime(m.at)),
            h('td', null, words(m.kind)),
            h('td', null, badge(m.decision === 'allowed' ? 'ok' : 'warn', m.decision)),
            h('td', null, corridorLabel(m)),
            h(
              'td',
              null,
              [m.recipient.organization, m.recipient.ehrTarget].filter(Boolean).join(' / ') || '—',
            ),
            h('td', null, mechanismLabel(m.mechanism)),
            h('td', null, words(m.purpose)),
            h('td', { class: 'mono small' }, noteLabel(m.noteId, m.noteVersion)),
          ),
      ),
      h('h3', null, 'Accesses'),
      dataTable(
        'disclosure-accesses',
        'Accesses to the patient’s notes',
        ['When', 'Who', 'Role', 'Purpose', 'From', 'Outcome', 'Note'],
        report.accesses,
        (a) =>
          h(
            'tr',
            null,
            h('td', { class: 'nowrap', title: a.at }, formatTime(a.at)),
            h('td', { class: 'mono' }, a.actor),
            h('td', null, words(a.role)),
            h('td', null, a.purpose ? words(a.purpose) : '—'),
            h('td', null, a.viewerCountry ?? 'unknown'),
            h('td', null, a.outcome === 'ok' ? badge('ok', 'shown') : badge('warn', words(a.outcome))),
            h('td', { class: 'mono small' }, a.target),
          ),
      ),
    ];
  }

  return { refresh };
}
