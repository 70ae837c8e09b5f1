import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SDK_CLIENT_DEFAULTS } from '../aws/sdk-client.js';

/**
 * DynamoDB Local keeps one database per access key and region unless started
 * with -sharedDb; every local client uses these fixed fake credentials.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'visitbridge', secretAccessKey: 'local' } as const;

/** A client for the cell's table: AWS in Lambda, DynamoDB Local when an endpoint is given. */
export function dynamoClient(region: string, endpoint?: string): DynamoDBClient {
  return endpoint
    ? new DynamoDBClient({ ...SDK_CLIENT_DEFAULTS, region, endpoint, credentials: LOCAL_CREDENTIALS })
    : new DynamoDBClient({ ...SDK_CLIENT_DEFAULTS, region });
}
