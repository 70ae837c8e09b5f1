import type { LedgerFilter } from '../../ports/ledger.js';
import type { TimeRangeQuery } from './chain-table.js';

/**
 * A ledger filter's criteria other than its time range, added to a gsi1
 * time-range query (`ChainTable.timeRangeQuery`) as a filter expression.
 */
export function withLedgerFilter(query: TimeRangeQuery, filter: LedgerFilter): TimeRangeQuery {
  const names = { ...query.ExpressionAttributeNames };
  const values = { ...query.ExpressionAttributeValues };
  const conditions: string[] = [];
  const equal = (path: string[], value: string, placeholder: string) => {
    const expr = path
      .map((part) => {
        names[`#${part}`] = part;
        return `#${part}`;
      })
      .join('.');
    values[placeholder] = { S: value };
    conditions.push(`${expr} = ${placeholder}`);
  };
  if (filter.kind) equal(['kind'], filter.kind, ':kind');
  if (filter.decision) equal(['decision'], filter.decision, ':decision');
  if (filter.corridor) {
    equal(['source', 'cell'], filter.corridor.from, ':corridorFrom');
    equal(['destination', 'cell'], filter.corridor.to, ':corridorTo');
  }
  if (filter.noteId) equal(['noteId'], filter.noteId, ':noteId');
  if (filter.patientRef) equal(['patientRef'], filter.patientRef, ':patientRef');
  return {
    ...query,
    ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
