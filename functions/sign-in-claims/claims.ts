import { isCountryCode } from '../../shared/domain/countries.js';

/** The claim the HIM API reads the viewer's country from (docs/him-review.md). */
export const COUNTRY_CLAIM = 'custom:country';

/** What the access token gets: the viewer's country, or nothing the API would trust. */
export type AccessTokenCountry = { add: Record<string, string> } | { suppress: string[] };

/**
 * Decides the access token's country claim from the user's attributes: a valid,
 * upper-case ISO 3166-1 alpha-2 `custom:country` is added as it is; anything else
 * (missing, malformed, no such country) adds nothing, so the HIM API refuses PHI
 * routes with `viewer-country-unknown` rather than guessing.
 */
export function accessTokenCountry(
  attributes: Readonly<Record<string, string | undefined>>,
): AccessTokenCountry {
  const country = attributes[COUNTRY_CLAIM];
  if (country !== undefined && /^[A-Z]{2}$/.test(country) && isCountryCode(country))
    return { add: { [COUNTRY_CLAIM]: country } };
  return { suppress: [COUNTRY_CLAIM] };
}
