import { Duration } from 'aws-cdk-lib';
import {
  CfnManagedLoginBranding,
  ClientAttributes,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { ConsoleSignIn } from '../../console-config.js';
import type { HimUserPool } from './him-user-pool.js';

export interface HimConsoleClientProps {
  users: HimUserPool;
  /** The console's address, where managed login sends the browser back (ends with `/`). */
  consoleUrl: string;
}

/**
 * The console's app client at the cell's user pool: a public client (no secret)
 * allowed only the authorization-code flow (PKCE is sent by the console), back to
 * the console's own address, with the pool's managed login. It may read
 * `custom:country` but not write it: only administrators set where a user is.
 */
export class HimConsoleClient extends Construct {
  readonly client: UserPoolClient;
  /** The sign-in the console's `config.json` names. */
  readonly signIn: ConsoleSignIn;

  constructor(scope: Construct, id: string, props: HimConsoleClientProps) {
    super(scope, id);
    const standard = { email: true, emailVerified: true, fullname: true };
    this.client = new UserPoolClient(this, 'Client', {
      userPool: props.users.pool,
      userPoolClientName: 'visitbridge-him-console',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [props.consoleUrl],
        logoutUrls: [props.consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      readAttributes: new ClientAttributes().withStandardAttributes(standard).withCustomAttributes('country'),
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(30),
      idTokenValidity: Duration.minutes(30),
      refreshTokenValidity: Duration.hours(8),
    });
    new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: props.users.pool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    const login = props.users.domain.baseUrl();
    this.signIn = {
      issuer: props.users.issuer,
      clientId: this.client.userPoolClientId,
      authorizationEndpoint: `${login}/oauth2/authorize`,
      tokenEndpoint: `${login}/oauth2/token`,
      scope: 'openid email',
      idTokenSigningAlg: 'RS256',
    };
  }
}
