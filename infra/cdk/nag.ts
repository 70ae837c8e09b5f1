import { DefaultStackSynthesizer, Stack, Token } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag packs every synth runs, new instances each call: `addCells` registers
 * one set on the app, and the cdk-nag report runs another over each stack.
 */
export const nagPacks = (scope?: IConstruct): NagPack[] => [
  new AwsSolutionsChecks(scope),
  new HIPAASecurityChecks(scope),
];

/** The account as cdk-nag prints it in finding ids: the literal id, or `<AWS::AccountId>` when env-agnostic. */
export function nagAccount(scope: IConstruct): string {
  const { account } = Stack.of(scope);
  return Token.isUnresolved(account) ? '<AWS::AccountId>' : account;
}

/** An ARN in `scope`'s stack as cdk-nag prints it in finding ids (`Resource::<this>`). */
export function nagArn(scope: IConstruct, service: string, resource: string): string {
  return `arn:<AWS::Partition>:${service}:${Stack.of(scope).region}:${nagAccount(scope)}:${resource}`;
}

/** The CDK bootstrap asset bucket of `scope`'s environment, as cdk-nag prints it. */
export function nagAssetBucketArn(scope: IConstruct): string {
  const qualifier: unknown =
    Stack.of(scope).node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return `arn:<AWS::Partition>:s3:::cdk-${String(qualifier)}-assets-${nagAccount(scope)}-${Stack.of(scope).region}`;
}
