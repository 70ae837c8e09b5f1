/** Integrity tab: each selected cell's ledger and audit log verified against their signed digest chains. */
import { mount } from '../dom.js';
import { chainBadge, digestBadge, formatTime, unsealedBadge } from '../format.js';
import { h } from '../vnode.js';
import { badge, loading, perCell, problemBox } from './common.js';

const CHAINS = [
  { id: 'ledger', label: 'Transfers ledger' },
  { id: 'audit', label: 'Audit log' },
];
const VERIFY = 'verify the ledger and the audit log';
const SEALERS = ['privacy-officer', 'integration-admin'];

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
        'Each cell keeps its ledger and audit log as hash chains, sealed every few minutes by a signed digest stored outside its table.',
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
    // One call per cell checks both chains: one action, one audit entry in each cell.
    const { ok, failed } = await perCell(cells, (cell, actionId) =>
      ctx.api.json(cell, 'integrity/verify', { action: VERIFY, actionId }),
    );
    mount(
      resultsEl,
      cells.map((cell) =>
        card(cell, ok.find((o) => o.cell === cell)?.value, failed.find((f) => f.cell === cell)?.error),
      ),
    );
    ctx.announce('Chain verification finished');
  }

  async function seal(cell, chain) {
    ctx.announce(`Sealing the ${chain.label.toLowerCase()} of ${cell.name}…`);
    try {
      const summary = await ctx.api.json(cell, `${chain.id}/digest`, {
        method: 'POST',
        action: `seal the ${chain.label.toLowerCase()}`,
      });
      ctx.announce(`Digest ${summary.seq} sealed ${summary.newlySealed} new records of ${cell.name}`);
      await load();
    } catch (error) {
      mount(resultsEl, problemBox(error, cell.name));
    }
  }

  function chainBlock(cell, chain, report) {
    const status = chainBadge(report);
    const digests = digestBadge(report.digests);
    const unsealed = unsealedBadge(report.unsealed);
    const latest = report.digests?.latest;
    return h(
      'div',
      { class: 'chain', 'data-chain': chain.id, 'data-ok': String(report.ok) },
      h('h4', null, chain.label),
      h(
        'p',
        { class: 'badges' },
        badge(status.tone, status.text),
        ' ',
        badge(digests.tone, digests.text),
        ' ',
        badge(unsealed.tone, unsealed.text),
      ),
      h(
        'p',
        { class: 'muted' },
        `${status.detail} · ${latest ? `latest digest ${latest.seq} at ${formatTime(latest.at)}` : 'no digest'} · checked ${formatTime(report.checkedAt)}`,
      ),
      report.problems?.length
        ? h(
            'ol',
            { class: 'problems', 'aria-label': `${chain.label} problems` },
            report.problems.map((p) => h('li', null, p)),
          )
        : null,
      SEALERS.some((role) => ctx.can?.(role))
        ? h('button', { type: 'button', onclick: () => seal(cell, chain) }, 'Seal now')
        : null,
    );
  }

  function card(cell, reports, error) {
    return h(
      'section',
      { class: 'card chain-card', 'data-cell': cell.id, 'aria-label': `${cell.name} chains` },
      h('h3', null, cell.name, h('span', { class: 'sub' }, ` · ${cell.region}`)),
      error ? problemBox(error) : CHAINS.map((chain) => chainBlock(cell, chain, reports?.[chain.id] ?? {})),
    );
  }

  return { refresh: load };
}
