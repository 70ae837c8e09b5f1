import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';

/** Records of one read of a shard, in stream order; `ended` once the shard is closed and nothing of it is left. */
export interface ShardPage {
  records: SdkRecord[];
  ended: boolean;
}

/** Reads one shard page by page: where a caller asks to read from, never behind its back. */
export interface ShardReads {
  /**
   * The next records after sequence number `after` (from the trim horizon when undefined).
   * @throws the SDK's errors (an expired iterator, trimmed data, storage errors); the next read opens a new iterator.
   */
  read(after: string | undefined, signal: AbortSignal): Promise<ShardPage>;
}

/** The most records one GetRecords returns (DynamoDB Streams' own limit). */
export const RECORDS_PER_READ = 1000;

/**
 * A shard iterator of its own: GetShardIterator once, then GetRecords, each page's
 * `NextShardIterator` kept for the next read that goes on from where this one ended.
 */
export class ShardCursor implements ShardReads {
  private iterator: string | undefined;
  /** The sequence number the iterator goes on after (undefined: the trim horizon). */
  private position: string | undefined;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly shardId: string,
    /** Told when a checkpoint was trimmed away and reading starts over from the trim horizon. */
    private readonly onError: (error: unknown) => void,
  ) {}

  async read(after: string | undefined, signal: AbortSignal): Promise<ShardPage> {
    try {
      if (!this.iterator || this.position !== after) {
        this.iterator = await this.open(after, signal);
        this.position = after;
      }
      const page = await this.client.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: RECORDS_PER_READ }),
        { abortSignal: signal },
      );
      const records = page.Records ?? [];
      this.iterator = page.NextShardIterator;
      this.position = records.at(-1)?.dynamodb?.SequenceNumber ?? this.position;
      return { records, ended: !page.NextShardIterator };
    } catch (error) {
      this.iterator = undefined;
      throw error;
    }
  }

  /** An iterator after `after`; TRIM_HORIZON when there is none or it was trimmed. */
  private async open(after: string | undefined, signal: AbortSignal): Promise<string | undefined> {
    const base = { StreamArn: this.streamArn, ShardId: this.shardId };
    const input: GetShardIteratorCommandInput = after
      ? { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
      : { ...base, ShardIteratorType: 'TRIM_HORIZON' };
    try {
      return (await this.client.send(new GetShardIteratorCommand(input), { abortSignal: signal }))
        .ShardIterator;
    } catch (error) {
      if ((error as Error).name !== 'TrimmedDataAccessException' || !after) throw error;
      this.onError(new Error(`shard ${this.shardId} was trimmed past its checkpoint`, { cause: error }));
      const horizon = { ...base, ShardIteratorType: 'TRIM_HORIZON' } as const;
      return (await this.client.send(new GetShardIteratorCommand(horizon), { abortSignal: signal }))
        .ShardIterator;
    }
  }
}
