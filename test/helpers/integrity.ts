import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LocalDigestSigner } from '../../shared/adapters/crypto/digest-local.js';
import { DynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log-store.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { FileDigestAnchor } from '../../shared/adapters/fs/file-digest-anchor.js';
import type { SealedChainName } from '../../shared/domain/seal/digest.js';
import { type SealReport, verifySealed } from '../../shared/domain/seal/verify-sealed.js';

/**
 * Verifies a local stack cell's ledger or audit log as the HIM API does: its table,
 * its anchor folder and its digest key, under the data dir the stack uses.
 */
export async function verifyLocalChain(input: {
  client: DynamoDBClient;
  dataDir: string;
  cell: { id: string; tableName: string };
  chain?: SealedChainName;
  now?: Date;
}): Promise<SealReport> {
  const { client, cell } = input;
  const chain = input.chain ?? 'ledger';
  const options = { client, tableName: cell.tableName, cellId: cell.id };
  const store = chain === 'ledger' ? new DynamoLedgerStore(options) : new DynamoAuditLog(options);
  const signer = await LocalDigestSigner.fromKeyFile(join(input.dataDir, 'keys', `${cell.id}.digest.pem`));
  const anchor = new FileDigestAnchor(join(input.dataDir, 'anchor'), cell.id);
  return verifySealed({
    chain,
    cell: cell.id,
    shardCount: store.shardCount,
    objects: await anchor.list(chain),
    publicKeyPem: await signer.publicKeyPem(),
    inventory: await store.inventory(),
    now: input.now ?? new Date(),
    intervalMs: 5 * 60_000,
  });
}
