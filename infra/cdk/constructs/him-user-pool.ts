import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  LambdaVersion,
  ManagedLoginVersion,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolDomain,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CellFunction } from './cell-function.js';

/** HIM roles (docs/him-review.md); each is a Cognito group and arrives in the `cognito:groups` claim. */
export const HIM_ROLES = ['him-reviewer', 'privacy-officer', 'integration-admin'] as const;

export interface HimUserPoolProps {
  cellId: string;
  /** Repository root, for bundling the pre-token-generation trigger. */
  projectRoot: string;
  /** Prefix of the managed login domain (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  loginDomainPrefix: string;
}

/**
 * The default HIM identity provider of a cell: a user pool in the cell's region
 * (so HIM identities stay in the jurisdiction too), MFA required, one group per role,
 * a `custom:country` attribute only administrators set (no app client may write it),
 * a pre-token-generation trigger that puts it into access tokens, and managed login
 * at a Cognito domain. The console's app client lives in the stateless stack, beside
 * the console whose address it redirects to.
 */
export class HimUserPool extends Construct {
  readonly pool: UserPool;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: HimUserPoolProps) {
    super(scope, id);
    this.pool = new UserPool(this, 'Pool', {
      userPoolName: `visitbridge-${props.cellId}-him`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      customAttributes: {
        // Where the HIM user works: decides whether viewing PHI is a cross-border (remote-access) movement.
        country: new StringAttribute({ minLen: 2, maxLen: 2, mutable: true }),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of HIM_ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.pool.userPoolId,
        groupName: role,
        description: `visitbridge HIM role ${role}`,
      });
    }

    const logKey = new Key(this, 'TriggerLogsKey', {
      description: `visitbridge ${props.cellId}: encrypts the sign-in claims trigger's logs`,
      enableKeyRotation: true,
      multiRegion: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logKey.grantEncryptDecrypt(new ServicePrincipal(`logs.${this.pool.stack.region}.amazonaws.com`));
    const trigger = new CellFunction(this, 'SignInClaims', {
      kind: 'sign-in-claims',
      description: `visitbridge ${props.cellId} puts the HIM user's country into access tokens`,
      entry: `${props.projectRoot}/functions/sign-in-claims/handler.ts`,
      projectRoot: props.projectRoot,
      environment: {},
      logKey,
      memorySize: 256,
      timeout: Duration.seconds(5),
      reservedConcurrency: 10,
    });
    this.pool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, trigger.fn, LambdaVersion.V2_0);

    this.domain = this.pool.addDomain('Login', {
      cognitoDomain: { domainPrefix: props.loginDomainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
  }

  /** The issuer the HIM API's JWT authorizer trusts. */
  get issuer(): string {
    return `https://cognito-idp.${this.pool.stack.region}.amazonaws.com/${this.pool.userPoolId}`;
  }
}
