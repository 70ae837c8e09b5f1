import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB Local keeps one database per access key and region unless started
 * with -sharedDb; every local client uses these fixed fake credentials.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'visitbridge', secretAccessKey: 'local' } as const;

/** A client for the cell's table: AWS in Lambda, DynamoDB Local when an endpoint is given. */
export function dynamoClient(region: string, endpoint?: string): DynamoDBClient {
  return endpoint
    ? new DynamoDBClient({ region, endpoint, credentials: LOCAL_CREDENTIALS })
    : new DynamoDBClient({ region });
}
