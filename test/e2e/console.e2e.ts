/**
 * End-to-end test of the HIM web console (`npm run test:e2e`): the real local
 * stack in this process, as `npm start` runs it, driven by Debian's Chromium.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSettings } from '../../infra/local/settings.js';
import { startLocalStack } from '../../infra/local/stack.js';
import { runConsoleE2e } from './run-console.js';

const dataDir = await mkdtemp(join(tmpdir(), 'vb-e2e-'));
let code = 1;
const stack = await startLocalStack({
  settings: localSettings({ PORT: '0', VISITBRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'ERROR' }),
  inMemory: true,
});
try {
  code = await runConsoleE2e({ stack, consoleOrigin: stack.url });
} finally {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(code);
