const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });
/** Alpha-2 codes that name no country: user-assigned, and groupings such as the EU or the UN. */
const NOT_COUNTRIES = /^(AA|Q[M-Z]|X[A-Z]|ZZ|EU|EZ|UN)$/;

/** Whether `code` is an assigned ISO 3166-1 alpha-2 country code (upper case). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.test(code) && REGION_NAMES.of(code) !== code;
}
