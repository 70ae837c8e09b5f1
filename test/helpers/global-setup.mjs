// Plain ESM: Jest loads global setup outside its transform pipeline, so TypeScript comes in through tsx.
import { tsImport } from 'tsx/esm/api';

/** One DynamoDB Local (in memory) for the whole test run; tests create uniquely named tables on it. */
export default async function globalSetup() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startDynamoDbLocal } = await tsImport('../../infra/local/dynamodb-local.ts', import.meta.url);
  const ddb = await startDynamoDbLocal();
  process.env.VB_TEST_DYNAMODB_ENDPOINT = ddb.endpoint;
  // The bench's CPU accounting test reads this JVM's threads.
  process.env.VB_TEST_DYNAMODB_PID = String(ddb.pid);
  globalThis.__vbDynamo = ddb;
}
