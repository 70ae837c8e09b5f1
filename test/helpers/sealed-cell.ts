import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { LocalDigestSigner } from '../../shared/adapters/crypto/digest-local.js';
import { DynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log-store.js';
import { chainLayout } from '../../shared/adapters/dynamodb/chain-items.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { FileDigestAnchor } from '../../shared/adapters/fs/file-digest-anchor.js';
import type { AuditEntry, UnsealedAuditEntry } from '../../shared/domain/audit/entry.js';
import type { LedgerEntry, UnsealedEntry } from '../../shared/domain/ledger/entry.js';
import type { SealedChainName } from '../../shared/domain/seal/digest.js';
import { sealChain } from '../../shared/domain/seal/seal.js';
import { type SealReport, verifySealed } from '../../shared/domain/seal/verify-sealed.js';
import type { DigestSigner } from '../../shared/ports/digest-signer.js';
import type { SealableChain } from '../../shared/ports/sealable-chain.js';
import { createTestTable } from './dynamo.js';
import { syntheticEntry } from './ledger-measure.js';

/** When the test ledgers start; everything else is minutes after it. */
export const T0 = new Date('2026-11-25T10:00:00.000Z');
/** The digest interval the tests verify with. */
export const INTERVAL_MS = 5 * 60_000;
export const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

/** A signer on a fresh in-memory P-256 key (the local adapter, minus the key file). */
export const freshDigestSigner = (): LocalDigestSigner =>
  new LocalDigestSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);

/** A clock a test moves by hand. */
export function handClock(start: Date): { now: () => Date; set: (at: Date) => void } {
  let current = start;
  return {
    now: () => current,
    set: (at) => {
      current = at;
    },
  };
}

/** The item layouts a table writer would read from the source. */
export const LEDGER = chainLayout<LedgerEntry>('LEDGER');
export const AUDIT = chainLayout<AuditEntry>('AUDIT');

/** A PHI-free HIM action by `actor`, at `at`. */
export const auditAction = (i: number, at: Date): UnsealedAuditEntry => ({
  at: at.toISOString(),
  actor: 'him:alice',
  role: 'him-reviewer',
  action: 'notes.view',
  actionId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  target: `note:sender-a/note-${i}/1/created`,
  sourceIp: '192.0.2.10',
  outcome: 'ok',
});

type Key = { pk: string; sk: string };

/** Raw DynamoDB commands on the cell table: what an insider with write access uses. */
export function tableWriter(client: DynamoDBClient, tableName: string) {
  return {
    put: (item: Record<string, unknown>) =>
      client.send(new PutItemCommand({ TableName: tableName, Item: marshall(item) })),
    remove: (key: Key) => client.send(new DeleteItemCommand({ TableName: tableName, Key: marshall(key) })),
    get: async (key: Key) => {
      const out = await client.send(new GetItemCommand({ TableName: tableName, Key: marshall(key) }));
      return out.Item ? unmarshall(out.Item) : undefined;
    },
    update: (
      key: Key,
      expression: string,
      values?: Record<string, unknown>,
      names?: Record<string, string>,
    ) =>
      client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(key),
          UpdateExpression: expression,
          ...(values ? { ExpressionAttributeValues: marshall(values) } : {}),
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      ),
  };
}

/**
 * A fresh cell: a table on DynamoDB Local with a 4-shard ledger (24 entries at T0,
 * every shard non-empty) and a 1-shard audit log (5 entries), a digest anchor folder
 * in a temp dir and a fresh signing key. Nothing is sealed yet.
 */
export async function sealedCell(client: DynamoDBClient) {
  const tableName = await createTestTable(client, 'tamper');
  const ledger = new DynamoLedgerStore({ client, tableName, cellId: 'uk' });
  const audit = new DynamoAuditLog({ client, tableName, cellId: 'uk' });
  for (let batch = 0; batch < 4; batch += 1) {
    await ledger.append(Array.from({ length: 6 }, (_, i) => syntheticEntry(batch * 6 + i + 1, T0)));
  }
  for (let i = 1; i <= 5; i += 1) await audit.append(auditAction(i, T0));
  const dir = await mkdtemp(join(tmpdir(), 'vb-anchor-'));
  const anchor = new FileDigestAnchor(dir, 'uk');
  const signer = freshDigestSigner();
  const clock = handClock(minutes(1));
  const chains: Record<SealedChainName, SealableChain> = { ledger, audit };
  let nextNote = 1000;
  return {
    tableName,
    ledger,
    audit,
    anchor,
    anchorDir: join(dir, 'uk'),
    signer,
    clock,
    raw: tableWriter(client, tableName),
    /** `count` new ledger entries at `at` that all go to `shard` (not yet appended). */
    entriesFor: (shard: number, count: number, at: Date): UnsealedEntry[] => {
      const found: UnsealedEntry[] = [];
      while (found.length < count) {
        const entry = syntheticEntry(nextNote++, at);
        if (ledger.shardOf(entry) === shard) found.push(entry);
      }
      return found;
    },
    /** Seals `chain` now (by the hand clock) with the cell's key, or `other`. */
    seal: (chain: SealedChainName, other?: DigestSigner) =>
      sealChain({ chain: chains[chain], signer: other ?? signer, anchor, clock }),
    /** What `verify` reports at `now` (2 minutes after T0 unless given). */
    verify: async (chain: SealedChainName, now = minutes(2)): Promise<SealReport> =>
      verifySealed({
        chain,
        cell: 'uk',
        shardCount: chains[chain].shardCount,
        objects: await anchor.list(chain),
        publicKeyPem: await signer.publicKeyPem(),
        inventory: await chains[chain].inventory(),
        now,
        intervalMs: INTERVAL_MS,
      }),
  };
}

export type SealedCell = Awaited<ReturnType<typeof sealedCell>>;
