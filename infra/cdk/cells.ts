import { type App, Validations } from 'aws-cdk-lib';
import { allCellEndpoints, type DeploySettings } from './context.js';
import { ResidencyGuardrails } from './guardrails.js';
import { nagPacks } from './nag.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

/** The stacks of a cell share one region and account; strong references protect the stateful exports. */
const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

export interface CellStacks {
  cellId: string;
  region: string;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export interface AddCellsOptions {
  /** Each cell's cdk-nag report (cell id to file), bundled with its HIM API; see infra/cdk/synth.ts. */
  nagReportFiles?: Readonly<Record<string, string>>;
}

/**
 * Adds a stateful and a stateless stack per cell, each pinned to the cell's
 * region, and registers the checks that run on every synth: cdk-nag's
 * AwsSolutions and HIPAA Security packs and the residency guardrails.
 */
export function addCells(
  app: App,
  settings: DeploySettings,
  projectRoot: string,
  options: AddCellsOptions = {},
): CellStacks[] {
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined)
    app.node.setContext(CROSS_STACK_REFERENCES, 'strong');
  const endpoints = allCellEndpoints(settings);
  const him =
    settings.himIssuer && settings.himAudience
      ? { issuer: settings.himIssuer, audience: settings.himAudience, jwksUrl: settings.himJwksUrl }
      : undefined;
  const stacks = settings.cells.map((j) => {
    const env = { region: j.region, account: settings.account };
    const tags = { project: 'visitbridge', cell: j.id };
    const stateful = new StatefulStack(app, `visitbridge-${j.id}-stateful`, {
      env,
      tags,
      description: `visitbridge cell ${j.id} (${j.name}): keys, table, digest bucket, secrets, HIM users`,
      terminationProtection: true,
      jurisdiction: j,
      createUserPool: him === undefined,
      projectRoot,
      digestRetentionYears: settings.digestRetentionYears,
    });
    const stateless = new StatelessStack(app, `visitbridge-${j.id}-stateless`, {
      env,
      tags,
      description: `visitbridge cell ${j.id} (${j.name}): functions, API, delivery, alarms, console`,
      jurisdiction: j,
      jurisdictions: settings.policy.jurisdictions,
      stateful,
      projectRoot,
      policyFile: settings.policyFile,
      nagReportFile: options.nagReportFiles?.[j.id],
      contextEndpoints: settings.cellEndpoints,
      defaultEndpoints: endpoints,
      him,
      himRolesClaim: settings.himRolesClaim,
      ehrEndpoints: settings.ehrEndpoints,
      smartPublicJwks: settings.smartPublicJwks[j.id],
      consoleDir: settings.consoleDir,
      consoleOrigins: settings.consoleOrigins,
      logLevel: settings.logLevel,
      digestIntervalMinutes: settings.digestIntervalMinutes,
    });
    return { cellId: j.id, region: j.region, stateful, stateless };
  });
  Validations.of(app).addPlugins(...nagPacks(app), new ResidencyGuardrails(Object.values(endpoints)));
  return stacks;
}
