/**
 * Erasure (GDPR Art. 17) for privacy officers: a patient identifier and the cell that
 * holds them; a preview of what would become unreadable and what blocks it; an explicit
 * confirm; the signed certificate to download. The identifier is sent once, in the body,
 * and never kept in the page after the preview.
 */
import { saveBlob } from '../api.js';
import { field, mount } from '../dom.js';
import { plural } from '../format.js';
import { h } from '../vnode.js';
import { badge, dataTable, empty, filterForm, labelled, loading, problemBox } from './common.js';

const PREVIEW = 'preview an erasure';
const EXECUTE = 'execute an erasure';
const CERTIFICATE = 'download an erasure certificate';

/**
 * Mounts the erasure view into `root`.
 * @returns {{ refresh(): void }}
 */
export function erasureView(root, ctx) {
  let request;
  let runs = 0;
  mount(
    root,
    h('h2', null, 'Erasure'),
    h(
      'p',
      { class: 'muted' },
      'Erasing a patient destroys the key that protects their notes in one cell: every copy, backups and exports included, becomes unreadable. The ledger and audit log keep their pseudonymous entries. Copies already in EHRs are listed for you to action there.',
    ),
    filterForm(
      'Erasure request',
      preview,
      labelled('er-cell', 'Cell', h('select', { id: 'er-cell', name: 'cell' })),
      labelled(
        'er-system',
        'Identifier system',
        h('input', { id: 'er-system', name: 'system', autocomplete: 'off', spellcheck: 'false' }),
        'e.g. https://fhir.nhs.uk/Id/nhs-number',
      ),
      labelled(
        'er-value',
        'Identifier value',
        h('input', { id: 'er-value', name: 'value', autocomplete: 'off', spellcheck: 'false' }),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Preview (erases nothing)')),
    ),
    h('div', { class: 'erasure-result', 'aria-live': 'polite' }),
  );
  const formEl = root.querySelector('form');
  const resultEl = root.querySelector('.erasure-result');
  const cellSelect = root.querySelector('#er-cell');

  const cellOf = (id) => ctx.cells().find((c) => c.id === id);

  async function preview(event) {
    event.preventDefault();
    const current = ++runs;
    request = undefined;
    const cell = cellOf(field(formEl, 'cell'));
    const system = field(formEl, 'system');
    const value = field(formEl, 'value');
    if (!cell || !system || !value) {
      mount(
        resultEl,
        problemBox({
          title: 'Check the request',
          detail: !cell ? 'choose a cell' : 'give the identifier system and its value',
        }),
      );
      return;
    }
    mount(resultEl, loading('Previewing…'));
    try {
      const filed = await ctx.api.json(cell, 'erasures', {
        method: 'POST',
        body: { patient: { system, value } },
        identifier: true,
        action: PREVIEW,
      });
      if (current !== runs) return;
      // The identifier has done its job: it is not kept in the page.
      formEl.elements.namedItem('value').value = '';
      request = { cell, erasureId: filed.erasureId };
      showPreview(cell, filed);
      ctx.announce(filed.preview.blocked ? 'erasure blocked' : 'erasure previewed');
    } catch (error) {
      if (current === runs) mount(resultEl, problemBox(error, cell.name));
    }
  }

  /** Notes a release before per-patient keys stored: erased from the table, but their backups stay readable. */
  function cellKeyNotice(notes) {
    const underCellKey = notes.filter((n) => n.sealedUnderCellKey).length;
    if (!underCellKey) return null;
    return h(
      'div',
      { class: 'notice info', role: 'note' },
      h(
        'p',
        null,
        `${plural(underCellKey, 'note event was', 'note events were')} stored before per-patient keys, under the cell key: erasure removes ${underCellKey === 1 ? 'it' : 'them'} from this cell's table, but ${underCellKey === 1 ? 'its copies' : 'their copies'} in table backups stay readable until those backups expire.`,
      ),
    );
  }

  function showPreview(cell, { erasureId, preview: p }) {
    const notes = p.notes;
    mount(
      resultEl,
      h('h3', null, `Request ${erasureId}`),
      h(
        'p',
        null,
        `Patient ${p.patientRef} in ${cell.name}: ${plural(notes.length, 'note event', 'note events')}.`,
      ),
      notes.length
        ? dataTable(
            'erasure-notes',
            'Note events that would become unreadable',
            ['Note', 'Event', 'Received', 'Delivery', 'EHR copy'],
            notes,
            (n) =>
              h(
                'tr',
                null,
                h('td', null, `${n.senderId}/${n.noteId}/${n.version}`),
                h('td', null, n.eventKind),
                h('td', null, n.receivedAt),
                h('td', null, badge(n.state === 'delivered' ? 'ok' : 'warn', n.state ?? 'unknown')),
                h('td', null, n.documentReference ?? '—'),
              ),
          )
        : empty('No stored note events: only the key would be destroyed.'),
      cellKeyNotice(notes),
      p.holds.length
        ? h(
            'div',
            { class: 'notice error', role: 'alert' },
            h('strong', null, `Held: ${plural(p.holds.length, 'legal hold', 'legal holds')}`),
            h('p', null, p.holds.map((x) => `${x.holdId} (${x.scope})`).join(', ')),
          )
        : null,
      p.undelivered.length
        ? h(
            'div',
            { class: 'notice error', role: 'alert' },
            h(
              'strong',
              null,
              `Not yet delivered: ${plural(p.undelivered.length, 'note event', 'note events')}`,
            ),
            h('p', null, 'Finish or replay these deliveries first, then preview again.'),
          )
        : null,
      p.blocked
        ? null
        : h(
            'div',
            { class: 'notice confirm', role: 'group', 'aria-label': 'Confirm erasure' },
            h(
              'label',
              { class: 'check' },
              h('input', { type: 'checkbox', id: 'er-understood', onchange: toggleConfirm }),
              h('span', null, 'I understand this cannot be undone.'),
            ),
            h(
              'div',
              { class: 'actions' },
              h(
                'button',
                { type: 'button', class: 'danger', id: 'er-execute', disabled: true, onclick: execute },
                `Erase ${plural(notes.length, 'note event', 'note events')}`,
              ),
            ),
          ),
    );
  }

  function toggleConfirm(event) {
    resultEl.querySelector('#er-execute').disabled = !event.target.checked;
  }

  async function execute() {
    if (!request) return;
    const { cell, erasureId } = request;
    request = undefined;
    mount(resultEl, loading('Erasing…'));
    try {
      const { certificate: c } = await ctx.api.json(cell, `erasures/${erasureId}/execute`, {
        method: 'POST',
        action: EXECUTE,
      });
      mount(
        resultEl,
        h(
          'div',
          { class: 'notice success', role: 'status' },
          h(
            'p',
            null,
            `Erased: key ${c.destroyed.patientKeyId ?? '(none)'} destroyed, ${plural(c.destroyed.notes.length, 'note event', 'note events')} unreadable.`,
          ),
        ),
        c.ehrActions.length
          ? dataTable(
              'erasure-ehr-actions',
              'Copies to action in the EHRs',
              ['EHR', 'DocumentReference', 'Note'],
              c.ehrActions,
              (a) =>
                h(
                  'tr',
                  null,
                  h('td', null, a.ehrTarget),
                  h('td', null, a.documentReference),
                  h('td', null, `${a.noteId} v${a.version}`),
                ),
            )
          : null,
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', onclick: () => download(cell, erasureId, 'pdf') },
            'Certificate (PDF)',
          ),
          h(
            'button',
            { type: 'button', onclick: () => download(cell, erasureId, 'json') },
            'Certificate (JSON)',
          ),
        ),
      );
      ctx.announce('erasure executed');
      ctx.dataChanged();
    } catch (error) {
      mount(resultEl, problemBox(error, cell.name));
    }
  }

  async function download(cell, erasureId, format) {
    try {
      const file = await ctx.api.file(cell, `erasures/${erasureId}/certificate`, {
        search: new URLSearchParams({ format }),
        action: CERTIFICATE,
      });
      saveBlob(file.name, file.blob);
      ctx.announce(`saved ${file.name}`);
    } catch (error) {
      mount(resultEl, problemBox(error, cell.name));
    }
  }

  return {
    refresh() {
      const chosen = field(formEl, 'cell');
      mount(
        cellSelect,
        ctx.cells().map((c) => h('option', { value: c.id, selected: c.id === chosen }, c.name)),
      );
    },
  };
}
