import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { accessTokenCountry } from './claims.js';

/**
 * Cognito pre-token-generation trigger (event version 2): puts the user's
 * administrator-set `custom:country` into the access token, which Cognito does
 * not do by itself. Roles already arrive as `cognito:groups`. Logs nothing: the
 * event carries the user's attributes.
 */
export const handler = async (event: PreTokenGenerationV2TriggerEvent) => {
  const country = accessTokenCountry(event.request.userAttributes);
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration:
        'add' in country ? { claimsToAddOrOverride: country.add } : { claimsToSuppress: country.suppress },
    },
  };
  return event;
};
