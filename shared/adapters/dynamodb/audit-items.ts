import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuditEntry } from '../../domain/audit/entry.js';
import type { ShardHead } from '../../domain/ledger/entry.js';
import { pad12 } from './ledger-items.js';

/**
 * Item layout of the HIM audit log in the cell table:
 * - `AUDIT#<shard>` / `SEQ#<12-digit seq>`: one entry, its fields as top-level attributes,
 *   plus gsi1pk `AUDIT`, gsi1sk `<at ISO>#<shard>#<12-digit seq>` for time-range queries
 * - `AUDIT#<shard>` / `HEAD`: `{ seq, hash }` of the shard's last entry
 */
export const AUDIT_GSI = { name: 'gsi1', pk: 'AUDIT' } as const;

type Item = Record<string, AttributeValue>;
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

export const auditPk = (shard: number): string => `AUDIT#${shard}`;
export const auditSeqSk = (seq: number): string => `SEQ#${pad12(seq)}`;
export const auditHeadKey = (shard: number) => ({ pk: auditPk(shard), sk: 'HEAD' });

export const auditEntryToItem = (entry: AuditEntry): Item =>
  marshall(
    {
      pk: auditPk(entry.shard),
      sk: auditSeqSk(entry.seq),
      gsi1pk: AUDIT_GSI.pk,
      gsi1sk: `${entry.at}#${entry.shard}#${pad12(entry.seq)}`,
      ...entry,
    },
    { removeUndefinedValues: true },
  );

/** The entry an item holds: every attribute but the keys, so a field added behind the API's back breaks the hash. */
export function itemToAuditEntry(item: Item): AuditEntry {
  const data = unmarshall(item);
  for (const key of KEY_ATTRIBUTES) delete data[key];
  return data as AuditEntry;
}

export function itemToAuditHead(shard: number, item: Item | undefined): ShardHead | undefined {
  if (!item) return undefined;
  const { seq, hash } = unmarshall(item) as { seq: number; hash: string };
  return { shard, seq, hash };
}

/** Opaque base64url page cursor: DynamoDB's LastEvaluatedKey on gsi1. */
export const encodeAuditCursor = (key: Item): string =>
  Buffer.from(JSON.stringify(unmarshall(key))).toString('base64url');

/** The start key in a cursor, or undefined when `encodeAuditCursor` did not make it. */
export function decodeAuditCursor(cursor: string): Item | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const valid =
      typeof key === 'object' &&
      key !== null &&
      Object.keys(key).length === KEY_ATTRIBUTES.length &&
      KEY_ATTRIBUTES.every((k) => typeof key[k] === 'string') &&
      key.gsi1pk === AUDIT_GSI.pk &&
      String(key.pk).startsWith('AUDIT#');
    return valid ? marshall(key) : undefined;
  } catch {
    return undefined;
  }
}
