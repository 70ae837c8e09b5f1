import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { jest } from '@jest/globals';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { testDynamoEndpoint } from '../helpers/dynamo.js';

describe('the product’s DynamoDB client', () => {
  it('resolves a command’s middleware stack once, not on every request', async () => {
    // Prepare
    const client = dynamoClient('local', testDynamoEndpoint());
    const resolve = jest.spyOn(ListTablesCommand.prototype, 'resolveMiddleware');

    try {
      // Act
      const first = await client.send(new ListTablesCommand({ Limit: 1 }));
      const second = await client.send(new ListTablesCommand({ Limit: 1 }));

      // Assert
      expect(first.$metadata.httpStatusCode).toBe(200);
      expect(second.$metadata.httpStatusCode).toBe(200);
      expect(resolve).toHaveBeenCalledTimes(1);
    } finally {
      resolve.mockRestore();
      client.destroy();
    }
  });
});
