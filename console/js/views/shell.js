/** The signed-in console: cell picker, tabs and their panels. */
import { mount } from '../dom.js';
import { h } from '../vnode.js';
import { auditView } from './audit.js';
import { corridorsView } from './corridors.js';
import { deliveriesView } from './deliveries.js';
import { disclosuresView } from './disclosures.js';
import { erasureView } from './erasure.js';
import { evidenceView } from './evidence.js';
import { holdsView } from './holds.js';
import { integrityView } from './integrity.js';
import { ledgerView } from './ledger.js';
import { phiAccessView } from './phi-access.js';
import { retentionView } from './retention.js';
import { reviewsView } from './reviews.js';

const TABS = [
  { id: 'ledger', label: 'Ledger', view: ledgerView },
  { id: 'reviews', label: 'Review queue', view: reviewsView },
  { id: 'corridors', label: 'Corridors', view: corridorsView },
  { id: 'integrity', label: 'Integrity', view: integrityView },
  { id: 'deliveries', label: 'Deliveries', view: deliveriesView },
  { id: 'audit', label: 'Audit log', view: auditView },
  // Who read the audit log may see it (GET audit: him-reviewer, privacy-officer).
  { id: 'phi-access', label: 'PHI access', view: phiAccessView, roles: ['him-reviewer', 'privacy-officer'] },
  { id: 'erasure', label: 'Erasure', view: erasureView, roles: ['privacy-officer'] },
  // POST disclosures: privacy officers; GET evidence: reviewers and privacy officers.
  { id: 'disclosures', label: 'Disclosures', view: disclosuresView, roles: ['privacy-officer'] },
  { id: 'evidence', label: 'Evidence', view: evidenceView, roles: ['him-reviewer', 'privacy-officer'] },
  // Holds are placed, listed and released by privacy officers only (every holds route).
  { id: 'holds', label: 'Holds', view: holdsView, roles: ['privacy-officer'] },
  // GET retention/runs: reviewers and privacy officers; a run on request: privacy officers.
  { id: 'retention', label: 'Retention', view: retentionView, roles: ['him-reviewer', 'privacy-officer'] },
];

/**
 * Mounts the console into `root`.
 * @param {{ config, selected: string[], onCellsChange: (ids: string[]) => void, ctx }} options
 *   `ctx` is handed to every view (`api`, `can(role)`, `announce(text)`); `cells()` is added here,
 *   and `dataChanged()`, which a view calls after changing data: the other views read again when next shown.
 */
export function shellView(root, { config, selected, onCellsChange, ctx }) {
  const tabs = TABS.filter((tab) => !tab.roles || tab.roles.some((role) => ctx.can?.(role)));
  let chosen = new Set(selected);
  let active = tabs[0];
  const views = new Map();
  const stale = new Set();
  const viewCtx = {
    ...ctx,
    cells: () => config.cells.filter((c) => chosen.has(c.id)),
    dataChanged: () => {
      for (const tab of tabs) if (tab !== active && views.has(tab.id)) stale.add(tab.id);
    },
  };

  mount(
    root,
    h('h1', { class: 'visually-hidden' }, 'HIM console'),
    h(
      'fieldset',
      { class: 'cell-picker' },
      h('legend', null, 'Cells'),
      config.cells.map((cell) =>
        h(
          'label',
          { class: 'check cell-check' },
          h('input', {
            type: 'checkbox',
            name: 'cell',
            value: cell.id,
            checked: chosen.has(cell.id),
            onchange: pickCells,
          }),
          h('span', null, cell.name),
          h('small', null, cell.region),
        ),
      ),
    ),
    h(
      'div',
      { class: 'tabs', role: 'tablist', 'aria-label': 'Console sections', onkeydown: arrowKeys },
      tabs.map((tab, i) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            id: `tab-${tab.id}`,
            'aria-controls': `panel-${tab.id}`,
            'aria-selected': String(i === 0),
            tabindex: i === 0 ? '0' : '-1',
            onclick: () => show(tab),
          },
          tab.label,
        ),
      ),
    ),
    h(
      'p',
      { class: 'notice info no-cells', hidden: chosen.size > 0 },
      'Select at least one cell to see its data.',
    ),
    tabs.map((tab, i) =>
      h('section', {
        class: 'panel',
        role: 'tabpanel',
        id: `panel-${tab.id}`,
        'aria-labelledby': `tab-${tab.id}`,
        hidden: i !== 0,
        tabindex: '0',
      }),
    ),
  );
  const noCells = root.querySelector('.no-cells');

  function pickCells() {
    chosen = new Set([...root.querySelectorAll('input[name="cell"]:checked')].map((i) => i.value));
    onCellsChange([...chosen]);
    noCells.hidden = chosen.size > 0;
    for (const tab of tabs) if (views.has(tab.id)) stale.add(tab.id);
    refreshActive();
  }

  function refreshActive() {
    const panel = root.querySelector(`#panel-${active.id}`);
    panel.hidden = chosen.size === 0;
    if (chosen.size === 0) return;
    if (!views.has(active.id)) {
      views.set(active.id, active.view(panel, viewCtx));
      stale.add(active.id);
    }
    if (stale.delete(active.id)) views.get(active.id).refresh();
  }

  function show(tab, focus = false) {
    active = tab;
    for (const t of tabs) {
      const button = root.querySelector(`#tab-${t.id}`);
      button.setAttribute('aria-selected', String(t === tab));
      button.tabIndex = t === tab ? 0 : -1;
      root.querySelector(`#panel-${t.id}`).hidden = t !== tab;
    }
    if (focus) root.querySelector(`#tab-${tab.id}`).focus();
    refreshActive();
  }

  function arrowKeys(event) {
    const i = tabs.indexOf(active);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    show(tabs[(next + tabs.length) % tabs.length], true);
  }

  refreshActive();
}
