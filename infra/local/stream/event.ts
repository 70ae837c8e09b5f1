import type {
  AttributeValue as SdkAttributeValue,
  _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

type Image = Record<string, AttributeValue>;

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** One attribute as Lambda's JSON event carries it: binary values become base64 strings. */
function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) ?? {} };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  return value as AttributeValue;
}

function toLambdaImage(image: Record<string, SdkAttributeValue> | undefined): Image | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

/**
 * Turns a DynamoDB Streams SDK record into the record Lambda's event source
 * mapping puts in a `DynamoDBStreamEvent`: the same field order, `eventSourceARN`
 * added, `ApproximateCreationDateTime` in epoch seconds (the SDK parses it into a
 * Date) and binary attributes as base64, as in the JSON Lambda delivers.
 */
export function toLambdaRecord(record: SdkRecord, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  const lambdaRecord: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb: {
      ApproximateCreationDateTime: created ? Math.floor(created.getTime() / 1000) : undefined,
      Keys: toLambdaImage(stream.Keys),
      NewImage: toLambdaImage(stream.NewImage),
      OldImage: toLambdaImage(stream.OldImage),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    eventSourceARN: streamArn,
  };
  if (record.userIdentity) lambdaRecord.userIdentity = { ...record.userIdentity };
  return JSON.parse(JSON.stringify(lambdaRecord)) as DynamoDBRecord;
}

/**
 * What a filter sees of a record before it is converted whole: its event name,
 * keys, new image and sequence number, shaped as in Lambda's event (no old image:
 * no filter here reads one). Records the filter rejects are never converted
 * further: most of a stream's records are not the lane's.
 */
export function filterView(record: SdkRecord): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  return {
    eventName: record.eventName,
    dynamodb: {
      Keys: toLambdaImage(stream.Keys),
      NewImage: toLambdaImage(stream.NewImage),
      SequenceNumber: stream.SequenceNumber,
    },
  };
}

/** The sequence number a record is checkpointed and reported by. */
export function sequenceOf(record: DynamoDBRecord): string {
  const sequence = record.dynamodb?.SequenceNumber;
  if (!sequence) throw new Error('stream record without a SequenceNumber');
  return sequence;
}
