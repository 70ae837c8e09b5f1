import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { localContext } from '../../../infra/local/api-gateway.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';
import { himFixture } from './fixture.js';

/** Runs `work` and returns the structured log lines it wrote to stdout and stderr. */
async function logsOf(work: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const lines: string[] = [];
  const capture = ((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    await work();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('scheduled ledger digest', () => {
  it('verifies the ledger, signs a digest and logs ledger-verified', async () => {
    // Prepare
    const fx = await himFixture('INFO');
    await fx.deps.ledger.append([syntheticEntry(1), syntheticEntry(2)]);
    let outcome: unknown;
    // Act
    const logs = await logsOf(async () => {
      outcome = await fx.handler({ source: 'visitbridge.digest' }, localContext('him-test'));
    });
    // Assess
    expect(outcome).toMatchObject({ ok: true, digestAt: expect.any(String) });
    expect(await fx.deps.ledger.latestDigest()).toBeDefined();
    expect(logs).toContainEqual(expect.objectContaining({ level: 'INFO', outcome: 'ledger-verified' }));
    fx.client.destroy();
  });

  it('logs ledger-verification-failed at error level and pins nothing when an entry was edited', async () => {
    // Prepare
    const fx = await himFixture('INFO');
    const [sealed] = await fx.deps.ledger.append([syntheticEntry(3)]);
    await fx.client.send(
      new UpdateItemCommand({
        TableName: fx.tableName,
        Key: marshall({ pk: `LEDGER#${sealed?.shard}`, sk: 'SEQ#000000000001' }),
        UpdateExpression: 'SET decision = :d',
        ExpressionAttributeValues: marshall({ ':d': 'denied' }),
      }),
    );
    let outcome: unknown;
    // Act
    const logs = await logsOf(async () => {
      outcome = await fx.handler({ source: 'visitbridge.digest' }, localContext('him-test'));
    });
    // Assess
    expect(outcome).toEqual({ ok: false });
    expect(await fx.deps.ledger.latestDigest()).toBeUndefined();
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'ERROR', outcome: 'ledger-verification-failed', chain: 'transfers' }),
    );
    fx.client.destroy();
  });
});
