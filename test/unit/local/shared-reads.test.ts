import type { _Record, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SharedStreamReads } from '../../../infra/local/stream/shared-reads.js';

const ARN = 'arn:aws:dynamodb:local:000000000000:table/t/stream/1';
const signal = new AbortController().signal;
const seqOf = (n: number) => String(n).padStart(21, '0');

/**
 * A shard in memory behind the two calls a cursor makes: GetShardIterator (TRIM_HORIZON or
 * AFTER_SEQUENCE_NUMBER) and GetRecords, `perRead` records at most. Counts the records served.
 */
function fakeShard(perRead = 1000) {
  const records: _Record[] = [];
  let served = 0;
  const client = {
    send: async (command: { input: Record<string, unknown>; constructor: { name: string } }) => {
      const input = command.input;
      if (command.constructor.name === 'GetShardIteratorCommand') {
        const after = input.SequenceNumber as string | undefined;
        return { ShardIterator: after ?? '0' };
      }
      const from = BigInt(input.ShardIterator as string);
      const page = records.filter((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0') > from).slice(0, perRead);
      served += page.length;
      const last = page.at(-1)?.dynamodb?.SequenceNumber;
      return { Records: page, NextShardIterator: last ?? String(from) };
    },
  } as unknown as DynamoDBStreamsClient;
  return {
    client,
    write: (from: number, to: number) => {
      for (let n = from; n <= to; n++) records.push({ dynamodb: { SequenceNumber: seqOf(n) } });
    },
    served: () => served,
  };
}

const sequences = (page: { records: _Record[] }) =>
  page.records.map((r) => Number(r.dynamodb?.SequenceNumber));

describe('shared stream reads', () => {
  it('serves two readers of a shard from one read of it', async () => {
    // Prepare
    const shard = fakeShard();
    const reads = new SharedStreamReads(shard.client);
    const [a, b] = [reads.join(ARN, 's1', () => {}), reads.join(ARN, 's1', () => {})];
    shard.write(1, 4);
    // Act
    const first = await a?.read(undefined, signal);
    const second = await b?.read(undefined, signal);
    // Assert
    expect(first && sequences(first)).toEqual([1, 2, 3, 4]);
    expect(second && sequences(second)).toEqual([1, 2, 3, 4]);
    expect(shard.served()).toBe(4);
  });

  it('answers "nothing new" only after a read that found nothing, not one whose records are all behind', async () => {
    // Prepare: a reader that got ahead of what is kept (it read 1–6 on its own while behind).
    const shard = fakeShard(2);
    const reads = new SharedStreamReads(shard.client);
    const first = reads.join(ARN, 's1', () => {});
    shard.write(1, 2);
    await first.read(undefined, signal);
    const ahead = reads.join(ARN, 's1', () => {});
    shard.write(3, 7);
    // Act: kept ends at 2; the reader is at 6, and a read of the shard returns 3–4 first.
    const page = await ahead.read(seqOf(6), signal);
    // Assert
    expect(sequences(page)).toEqual([7]);
    expect(page.ended).toBe(false);
  });

  it('sends a reader behind what is kept to an iterator of its own, and back once it caught up', async () => {
    // Prepare: at most two records kept, and a reader that has passed all but them.
    const shard = fakeShard();
    const reads = new SharedStreamReads(shard.client, 2);
    const leader = reads.join(ARN, 's1', () => {});
    shard.write(1, 5);
    await leader.read(undefined, signal);
    const late = reads.join(ARN, 's1', () => {});
    // Act
    const fromStart = await late.read(undefined, signal);
    shard.write(6, 6);
    const next = await late.read(seqOf(5), signal);
    const leaderNext = await leader.read(seqOf(5), signal);
    // Assert
    expect(sequences(fromStart)).toEqual([1, 2, 3, 4, 5]);
    expect(sequences(next)).toEqual([6]);
    expect(sequences(leaderNext)).toEqual([6]);
  });
});
