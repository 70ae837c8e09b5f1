import type { AuditFilter } from '../../ports/audit-log.js';
import type { LedgerFilter } from '../../ports/ledger.js';
import type { TimeRangeQuery } from './chain-table.js';

/** One criterion on a chain record's attribute (a path into nested maps): equal to, or starting with, a value. */
interface Clause {
  path: string[];
  value: string;
  op?: 'equals' | 'begins-with';
}

/** Reads of a filtered page ask for at least this many items, since the filter drops some after the read. */
export const FILTERED_BATCH = 100;

/**
 * Criteria other than the time range, added to a gsi1 time-range query
 * (`ChainTable.timeRangeQuery`) as one filter expression (all must hold).
 */
export function withClauses(query: TimeRangeQuery, clauses: readonly Clause[]): TimeRangeQuery {
  if (clauses.length === 0) return query;
  const names = { ...query.ExpressionAttributeNames };
  const values = { ...query.ExpressionAttributeValues };
  const conditions = clauses.map(({ path, value, op }, i) => {
    const expr = path
      .map((part) => {
        names[`#${part}`] = part;
        return `#${part}`;
      })
      .join('.');
    values[`:f${i}`] = { S: value };
    return op === 'begins-with' ? `begins_with(${expr}, :f${i})` : `${expr} = :f${i}`;
  });
  return {
    ...query,
    FilterExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** A ledger filter's criteria: kind, decision, corridor, note and patient. */
export function ledgerClauses(filter: LedgerFilter): Clause[] {
  return [
    ...(filter.kind ? [{ path: ['kind'], value: filter.kind }] : []),
    ...(filter.decision ? [{ path: ['decision'], value: filter.decision }] : []),
    ...(filter.corridor
      ? [
          { path: ['source', 'cell'], value: filter.corridor.from },
          { path: ['destination', 'cell'], value: filter.corridor.to },
        ]
      : []),
    ...(filter.noteId ? [{ path: ['noteId'], value: filter.noteId }] : []),
    ...(filter.patientRef ? [{ path: ['patientRef'], value: filter.patientRef }] : []),
  ];
}

/** An audit filter's criteria: who (actor, role), what (action, target prefix), why (purpose), how it ended, which HIM action. */
export function auditClauses(filter: AuditFilter): Clause[] {
  const equal = (name: 'actor' | 'role' | 'action' | 'purpose' | 'outcome' | 'actionId') =>
    filter[name] ? [{ path: [name], value: filter[name] }] : [];
  return [
    ...equal('actor'),
    ...equal('role'),
    ...equal('action'),
    ...(filter.target ? [{ path: ['target'], value: filter.target, op: 'begins-with' as const }] : []),
    ...equal('purpose'),
    ...equal('outcome'),
    ...equal('actionId'),
  ];
}
