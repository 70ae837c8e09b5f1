import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { handler } from '../../../functions/sign-in-claims/handler.js';

/** A pre-token-generation V2 event as Cognito sends it for a managed-login sign-in. */
function event(attributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_abc',
    userName: 'hana',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'console-client' },
    request: {
      userAttributes: { sub: '1b2c', email: 'hana@example.org', ...attributes },
      groupConfiguration: { groupsToOverride: ['him-reviewer'] },
      scopes: ['openid', 'email'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

describe('sign-in claims trigger', () => {
  it('adds the administrator-set country to the access token only', async () => {
    const out = await handler(event({ 'custom:country': 'GB' }));

    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { 'custom:country': 'GB' } },
    });
  });

  it.each([
    ['missing', {}],
    ['lower case', { 'custom:country': 'gb' }],
    ['three letters', { 'custom:country': 'GBR' }],
    ['no such country', { 'custom:country': 'ZZ' }],
  ])('adds no country when it is %s, so PHI routes refuse the token', async (_case, attributes) => {
    const out = await handler(event(attributes));

    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToSuppress: ['custom:country'] },
    });
  });

  it('leaves the rest of the event as Cognito sent it', async () => {
    const input = event({ 'custom:country': 'DE' });
    const out = await handler(structuredClone(input));

    expect({ ...out, response: undefined }).toEqual({ ...input, response: undefined });
  });
});
