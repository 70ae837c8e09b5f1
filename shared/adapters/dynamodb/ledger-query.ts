import type { AttributeValue, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { LedgerFilter } from '../../ports/ledger.js';
import { LEDGER_GSI } from './ledger-items.js';

/**
 * Query input on gsi1 for a ledger filter: the time range `[from, to)` is a key
 * condition on `<at ISO>#…` sort keys; the other criteria are a filter expression.
 */
export function ledgerQueryInput(
  tableName: string,
  filter: LedgerFilter,
  order: 'asc' | 'desc' = 'asc',
): QueryCommandInput {
  const names: Record<string, string> = { '#gpk': 'gsi1pk' };
  const values: Record<string, AttributeValue> = { ':gpk': { S: LEDGER_GSI.pk } };
  let keyCondition = '#gpk = :gpk';
  const from = filter.from?.toISOString();
  const to = filter.to?.toISOString();
  if (from !== undefined) values[':from'] = { S: from };
  // `<to>#shard#seq` sorts after `<to>`, so BETWEEN/`<` on the bare instant excludes entries at `to`.
  if (to !== undefined) values[':to'] = { S: to };
  if (from !== undefined || to !== undefined) names['#gsk'] = 'gsi1sk';
  if (from !== undefined && to !== undefined) keyCondition += ' AND #gsk BETWEEN :from AND :to';
  else if (from !== undefined) keyCondition += ' AND #gsk >= :from';
  else if (to !== undefined) keyCondition += ' AND #gsk < :to';

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
    TableName: tableName,
    IndexName: LEDGER_GSI.name,
    KeyConditionExpression: keyCondition,
    ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: order === 'asc',
  };
}
