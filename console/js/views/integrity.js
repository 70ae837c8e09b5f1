/** Integrity tab: hash-chain verification of each selected cell's ledger and audit log. */
import { mount } from '../dom.js';
import { chainBadge, digestBadge, formatTime } from '../format.js';
import { h } from '../vnode.js';
import { badge, loading, perCell, problemBox } from './common.js';

const CHAINS = [
  { path: 'ledger/verify', label: 'Transfers ledger', action: 'verify the transfers ledger' },
  { path: 'audit/verify', label: 'Audit log', action: 'verify the audit log' },
];

/** Mounts the integrity tab into `root`. */
export function integrityView(root, ctx) {
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Chain integrity'),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'p',
        { class: 'lead' },
        'Each cell keeps its ledger and audit log as hash chains pinned by a signed digest.',
      ),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'primary', onclick: load }, 'Verify again'),
    ),
    h('div', { class: 'cards results', 'aria-live': 'polite' }),
  );
  const resultsEl = root.querySelector('.results');

  async function load() {
    const cells = ctx.cells();
    mount(resultsEl, loading('Verifying chains…'));
    const checks = await Promise.all(
      cells.map(async (cell) => ({
        cell,
        results: await perCell(CHAINS, (chain) => ctx.api.json(cell, chain.path, { action: chain.action })),
      })),
    );
    mount(resultsEl, checks.map(card));
    ctx.announce('Chain verification finished');
  }

  function card({ cell, results }) {
    return h(
      'section',
      { class: 'card chain-card', 'data-cell': cell.id, 'aria-label': `${cell.name} chains` },
      h('h3', null, cell.name, h('span', { class: 'sub' }, ` · ${cell.region}`)),
      CHAINS.map((chain) => {
        const failed = results.failed.find((f) => f.cell === chain);
        if (failed) return h('div', { class: 'chain' }, h('h4', null, chain.label), problemBox(failed.error));
        const value = results.ok.find((o) => o.cell === chain)?.value ?? {};
        const status = chainBadge(value);
        const digest = digestBadge(value.digest);
        return h(
          'div',
          { class: 'chain', 'data-chain': chain.path },
          h('h4', null, chain.label),
          h('p', { class: 'badges' }, badge(status.tone, status.text), ' ', badge(digest.tone, digest.text)),
          h('p', { class: 'muted' }, `${status.detail} · checked ${formatTime(value.checkedAt)}`),
        );
      }),
    );
  }

  return { refresh: load };
}
