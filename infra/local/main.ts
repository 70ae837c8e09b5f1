import { parseArgs } from 'node:util';
import { printBanner } from './banner.js';
import { localSettings } from './settings.js';
import { startLocalStack } from './stack.js';

// Lambda runs Node 22+; the local runtime also supports Node 20, so the SDK's notice about 2027 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `npm start`: the whole local stack in one process, stopped cleanly by Ctrl-C / SIGTERM. */
const { values } = parseArgs({
  options: { 'in-memory': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log(`usage: npm start [-- --in-memory]

Environment: PORT (8080), HOST (127.0.0.1; the gateway answers to localhost, 127.0.0.1,
[::1] and HOST only), VISITBRIDGE_DATA_DIR (./.visitbridge), VISITBRIDGE_POLICY_FILE,
VISITBRIDGE_DEMO_SENDER_SECRET (whsec_…), VISITBRIDGE_EHR_ENDPOINTS, VISITBRIDGE_DYNAMODB_ENDPOINT,
VISITBRIDGE_TABLE_SUFFIX, VISITBRIDGE_REQUEST_TIMEOUT_MS (10000), LOG_LEVEL (WARN).
See docs/local-stack.md.`);
  process.exit(0);
}

try {
  const settings = localSettings();
  const started = Date.now();
  const stack = await startLocalStack({
    settings,
    inMemory: values['in-memory'],
    dynamoEndpoint: settings.VISITBRIDGE_DYNAMODB_ENDPOINT,
    tableSuffix: settings.VISITBRIDGE_TABLE_SUFFIX,
    onProgress: (step) => process.stderr.write(`  … ${step}\n`),
  });
  printBanner(stack, Date.now() - started);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping visitbridge…\n`);
    await stack.stop();
    process.stderr.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  console.error(`visitbridge could not start: ${(error as Error).message}`);
  process.exit(1);
}
