import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { synthWithNagReports } from './synth.js';

/**
 * `cdk synth|deploy` entry (cdk.json): one stateful and one stateless stack per cell of the
 * policy, each cell's HIM API bundling the cdk-nag report of a first, checking synth.
 */
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
synthWithNagReports(new App(), projectRoot);
