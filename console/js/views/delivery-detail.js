/** One delivery (outbox item): its state, OperationOutcome summary and every attempt. */
import { attemptLabel, formatTime, issueLabel, noteLabel, words } from '../format.js';
import { h } from '../vnode.js';
import { badge, scrollBox } from './common.js';

const STATE_TONE = { delivered: 'ok', parked: 'bad', retrying: 'warn', waiting: 'warn', pending: 'neutral' };

/** Badge of a delivery state. */
export const stateBadge = (state) => badge(STATE_TONE[state] ?? 'neutral', words(state));

/**
 * The detail panel of an item.
 * @param {{ cell, item, canReplay: boolean, onReplay: () => void, onClose: () => void }} input
 */
export function deliveryDetail({ cell, item, canReplay, onReplay, onClose }) {
  const facts = [
    ['Cell', cell.name],
    ['Sender', item.senderId],
    ['Note', noteLabel(item.noteId, item.version)],
    ['Event', words(item.eventKind)],
    ['State', stateBadge(item.state)],
    ['EHR target', item.ehrTarget ?? '—'],
    ['Attempts', String(item.attempts ?? 0)],
    ['Park reason', words(item.parkReason)],
    ['Received', formatTime(item.receivedAt)],
    ['Updated', formatTime(item.updatedAt)],
  ];
  const history = item.history ?? [];
  return h(
    'section',
    { class: 'card detail', id: 'delivery-detail', 'aria-labelledby': 'delivery-detail-h', tabindex: '-1' },
    h(
      'div',
      { class: 'detail-head' },
      h('h3', { id: 'delivery-detail-h' }, `Delivery of ${noteLabel(item.noteId, item.version)}`),
      h('span', { class: 'spacer' }),
      canReplay && item.state === 'parked'
        ? h('button', { type: 'button', class: 'primary', onclick: onReplay }, 'Replay')
        : null,
      h('button', { type: 'button', onclick: onClose }, 'Close'),
    ),
    h(
      'dl',
      { class: 'facts' },
      facts.map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value))),
    ),
    h('h4', null, 'OperationOutcome from the EHR'),
    item.operationOutcome?.length
      ? h(
          'ul',
          { class: 'issues' },
          item.operationOutcome.map((issue) => h('li', null, issueLabel(issue))),
        )
      : h('p', { class: 'muted' }, 'No OperationOutcome recorded.'),
    h('h4', null, 'Attempt history'),
    history.length
      ? scrollBox(
          'Attempt history',
          h(
            'table',
            { class: 'data-table compact' },
            h('caption', { class: 'visually-hidden' }, 'Every attempt, oldest first'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Time', 'Step', 'Outcome', 'HTTP', 'Duration'].map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            h(
              'tbody',
              null,
              history.map((a) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'nowrap' }, formatTime(a.at)),
                  h('td', null, words(a.step)),
                  h('td', null, words(a.outcome)),
                  h('td', { class: 'num' }, a.httpStatus ?? '—'),
                  h('td', { class: 'num' }, `${a.durationMs ?? 0} ms`),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No attempts yet.'),
    item.lastAttempt ? h('p', { class: 'muted' }, `Last attempt: ${attemptLabel(item.lastAttempt)}`) : null,
  );
}
