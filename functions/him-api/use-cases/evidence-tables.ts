import type { AuditEntry } from '../../../shared/domain/audit/entry.js';
import { daysUntilExpiry, expiryOf } from '../../../shared/domain/policy/expiry.js';
import type { ResidencyPolicy } from '../../../shared/domain/policy/model.js';
import { REVIEW_STATES } from '../../../shared/domain/review/review.js';
import { summarizeCorridors } from './corridors.js';
import { PHI_ACCESS_ACTIONS } from './disclosures.js';
import type { EvidenceData } from './evidence.js';

/** A table of an evidence pack: written as CSV, and drawn in its PDF report. */
export interface Table {
  columns: string[];
  rows: Array<Array<string | number>>;
}

const corridorOf = (e: { source: { cell: string }; destination: { cell: string } }) =>
  `${e.source.cell}:${e.destination.cell}`;

/** Counts of `key` over `items`, as rows `[...key parts, count]` sorted by key. */
function countBy<T>(items: readonly T[], key: (item: T) => string[]): Array<Array<string | number>> {
  const counts = new Map<string, { parts: string[]; n: number }>();
  for (const item of items) {
    const parts = key(item);
    const id = parts.join('\u0000');
    const c = counts.get(id) ?? { parts, n: 0 };
    c.n += 1;
    counts.set(id, c);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, c]) => [...c.parts, c.n]);
}

export const corridorTable = (data: EvidenceData): Table => ({
  columns: ['day', 'from', 'to', 'kind', 'mechanism', 'decision', 'count'],
  rows: summarizeCorridors(data.entries).map((r) => [
    r.day,
    r.from,
    r.to,
    r.kind,
    r.mechanism ?? '',
    r.decision,
    r.count,
  ]),
});

/** The policy's transfer rules that concern this cell, allowing or denying, with each mechanism's expiry. */
export function mechanismTable(policy: ResidencyPolicy, cell: string, at: Date): Table {
  const rules = policy.transfers.filter((r) => r.from === cell || r.to === cell);
  return {
    columns: ['rule', 'from', 'to', 'kinds', 'decision', 'mechanism', 'reference', 'expires', 'daysToExpiry'],
    rows: rules.map((r) => {
      if (r.decision === 'deny')
        return [r.id, r.from, r.to, (r.kinds ?? ['all']).join(';'), 'deny', '', r.reason, '', ''];
      const expires = expiryOf(r.mechanism);
      return [
        r.id,
        r.from,
        r.to,
        (r.kinds ?? ['all']).join(';'),
        'allow',
        r.mechanism.type,
        'reference' in r.mechanism ? r.mechanism.reference : '',
        expires ?? '',
        expires ? daysUntilExpiry(expires, at) : '',
      ];
    }),
  };
}

export const phiAccessTable = (data: EvidenceData): Table => ({
  columns: ['role', 'purpose', 'viewerCountry', 'outcome', 'count'],
  rows: countBy(
    data.audit.filter((e) => (PHI_ACCESS_ACTIONS as readonly string[]).includes(e.action)),
    (e) => [e.role, e.purpose ?? '', e.viewerCountry ?? 'unknown', e.outcome],
  ),
});

/** Review state of the period's movements: per corridor, a count per state. */
export function reviewTable(data: EvidenceData): Table {
  const byCorridor = new Map<string, Map<string, number>>();
  for (const e of data.entries) {
    const counts = byCorridor.get(corridorOf(e)) ?? new Map<string, number>();
    counts.set(e.review.state, (counts.get(e.review.state) ?? 0) + 1);
    byCorridor.set(corridorOf(e), counts);
  }
  return {
    columns: ['corridor', ...REVIEW_STATES],
    rows: [...byCorridor.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([corridor, counts]) => [corridor, ...REVIEW_STATES.map((s) => counts.get(s) ?? 0)]),
  };
}

/** Flagged and escalated movements (and resolved ones), one row each: what an auditor follows up. */
export const flagTable = (data: EvidenceData): Table => ({
  columns: ['ref', 'at', 'corridor', 'kind', 'decision', 'state', 'by', 'changedAt'],
  rows: data.entries
    .filter((e) => ['flagged', 'escalated', 'resolved'].includes(e.review.state))
    .map((e) => [
      e.review.ref,
      e.at,
      corridorOf(e),
      e.kind,
      e.decision,
      e.review.state,
      e.review.by ?? '',
      e.review.at ?? '',
    ]),
});

const AUDIT_COLUMNS = [
  'at',
  'actor',
  'role',
  'action',
  'target',
  'purpose',
  'patientRef',
  'viewerCountry',
  'outcome',
  'actionId',
  'shard',
  'seq',
  'entryHash',
];

/** Audit entries as a table: every field but the source address and previous hash. */
export const auditTable = (entries: readonly AuditEntry[]): Table => ({
  columns: AUDIT_COLUMNS,
  rows: entries.map((e) => [
    e.at,
    e.actor,
    e.role,
    e.action,
    e.target,
    e.purpose ?? '',
    e.patientRef ?? '',
    e.viewerCountry ?? '',
    e.outcome,
    e.actionId ?? '',
    e.shard,
    e.seq,
    e.entryHash,
  ]),
});

/** The audit entries of some actions. */
export const withActions = (data: EvidenceData, actions: readonly string[]): AuditEntry[] =>
  data.audit.filter((e) => actions.includes(e.action));
