import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** HIM roles (docs/him-review.md); each is a Cognito group and arrives in the `cognito:groups` claim. */
export const HIM_ROLES = ['him-reviewer', 'privacy-officer', 'integration-admin'] as const;

export interface HimUserPoolProps {
  cellId: string;
}

/**
 * The default HIM identity provider of a cell: a user pool in the cell's region
 * (so HIM identities stay in the jurisdiction too), MFA required, one group per role,
 * and a public client for the console and CLI (SRP sign-in, no client secret).
 */
export class HimUserPool extends Construct {
  readonly pool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: HimUserPoolProps) {
    super(scope, id);
    this.pool = new UserPool(this, 'Pool', {
      userPoolName: `visitbridge-${props.cellId}-him`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
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
    this.client = this.pool.addClient('Console', {
      userPoolClientName: `visitbridge-${props.cellId}-console`,
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.minutes(30),
      idTokenValidity: Duration.minutes(30),
      refreshTokenValidity: Duration.hours(8),
    });
  }

  /** The issuer the HIM API's JWT authorizer trusts. */
  get issuer(): string {
    return `https://cognito-idp.${this.pool.stack.region}.amazonaws.com/${this.pool.userPoolId}`;
  }
}
