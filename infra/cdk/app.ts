import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { addCells } from './cells.js';
import { readDeploySettings } from './context.js';

/** `cdk synth|deploy` entry (cdk.json): one stateful and one stateless stack per cell of the policy. */
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const app = new App();
addCells(app, readDeploySettings(app.node, projectRoot), projectRoot);
app.synth();
