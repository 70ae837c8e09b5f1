#!/usr/bin/env node
// The visitbridge CLI. TypeScript sources run through tsx, so there is no build step.
import { tsImport } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await tsImport('../infra/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
