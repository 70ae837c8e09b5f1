import { DEMO_SENDER_ID } from './settings.js';
import type { LocalStack } from './stack.js';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

/** The start-up banner: where everything is and how to try it. */
export function printBanner(stack: LocalStack, elapsedMs: number): void {
  const lines = [
    '',
    bold(`visitbridge is running (${(elapsedMs / 1000).toFixed(1)} s)`),
    '',
    `  HIM console   ${stack.url}/console/`,
    `  health        ${stack.url}/healthz`,
    `  OpenAPI       ${stack.url}/openapi.json`,
    `  event schema  ${stack.url}/schemas/visit-note-event.v1.json`,
    `  DynamoDB      ${stack.dynamo.endpoint}  (data: ${stack.dataDir})`,
    '',
    bold('  cells'),
    ...stack.cells.map(
      (c) =>
        `  ${c.id.padEnd(4)} ${c.jurisdiction.region.padEnd(15)} ${c.baseUrl}v1/webhooks/${DEMO_SENDER_ID}`,
    ),
    '',
    `  demo sender   ${DEMO_SENDER_ID}`,
    stack.demoSecret.generated
      ? `  secret        ${stack.demoSecret.value}  (generated; kept in ${stack.sendersFile})`
      : `  secret        kept in ${stack.sendersFile} (or VISITBRIDGE_DEMO_SENDER_SECRET)`,
    '',
    '  try it        npm run demo',
    '  stop          Ctrl-C',
    '',
  ];
  console.log(lines.join('\n'));
}
