import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** DynamoDB requests the delivery worker sent, by what they were for. */
export interface DeliveryRequests {
  /** Reads of a note's partition (the step's one read). */
  noteReads: number;
  /** TransactWriteItems that commit a step. */
  commits: number;
  /** Other requests on outbox items (single gets and updates). */
  other: number;
  /** Requests of the callback lane. */
  callbacks: number;
}

type Input = Record<string, unknown>;
const keyOf = (input: Input): { pk?: string; sk?: string } => {
  const key = (input.Key ?? {}) as Record<string, { S?: string }>;
  return { pk: key.pk?.S, sk: key.sk?.S };
};
const startsWith = (value: string | undefined, prefix: string) => value?.startsWith(prefix) === true;

/** What a request was for, or undefined when it is not the delivery worker's (ingest, the bench's own reads). */
function classify(command: string, input: Input): keyof DeliveryRequests | undefined {
  if (command === 'QueryCommand' && input.IndexName === undefined) {
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, { S?: string }>;
    return input.KeyConditionExpression === 'pk = :pk' && startsWith(values[':pk']?.S, 'NOTE#')
      ? 'noteReads'
      : undefined;
  }
  if (command === 'TransactWriteItemsCommand') {
    const first = (input.TransactItems as Array<{ Update?: Input }> | undefined)?.[0]?.Update;
    return first && startsWith(keyOf(first).sk, 'OUTBOX#') ? 'commits' : undefined;
  }
  const { pk, sk } = keyOf(input);
  if (startsWith(sk, 'CALLBACK#')) return 'callbacks';
  if (startsWith(pk, 'NOTE#') && startsWith(sk, 'OUTBOX#')) return 'other';
  return undefined;
}

/**
 * Counts the DynamoDB requests of the delivery worker as every DynamoDB client of this process
 * sends them (the local stack builds its clients inside the functions' composition roots).
 * Counted in `send`, not in a middleware: the clients cache their resolved middleware stacks.
 * Requests of `excluded` clients (the bench's own reads) are not counted.
 */
export function countDeliveryRequests(excluded: DynamoDBClient[]): { take(): DeliveryRequests } {
  let counts: DeliveryRequests = { noteReads: 0, commits: 0, other: 0, callbacks: 0 };
  const skipped = new WeakSet<DynamoDBClient>(excluded);
  const send = DynamoDBClient.prototype.send;
  DynamoDBClient.prototype.send = function (this: DynamoDBClient, ...args: Parameters<typeof send>) {
    const [command] = args;
    if (!skipped.has(this)) {
      const kind = classify(command.constructor.name, command.input as Input);
      if (kind) counts[kind] += 1;
    }
    return send.apply(this, args) as ReturnType<typeof send>;
  } as typeof send;
  return {
    take: () => {
      const taken = counts;
      counts = { noteReads: 0, commits: 0, other: 0, callbacks: 0 };
      return taken;
    },
  };
}
