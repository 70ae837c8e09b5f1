import type { Mechanism } from './model.js';

/** Mechanisms lapsing within this many days are flagged (`expiresSoon`, policy warnings). */
export const EXPIRY_WARNING_DAYS = 90;

const DAY_MS = 86_400_000;

/** The `expires` date (YYYY-MM-DD) of a mechanism, when it has one. */
export const expiryOf = (mechanism: Mechanism): string | undefined =>
  'expires' in mechanism ? mechanism.expires : undefined;

/**
 * Whole days from `at` until the end of the expiry day (UTC): 0 on the expiry day
 * itself (still valid), negative once it has passed.
 */
export function daysUntilExpiry(expires: string, at: Date): number {
  const endOfDay = Date.parse(`${expires}T00:00:00.000Z`) + DAY_MS;
  const remaining = endOfDay - at.getTime();
  return remaining <= 0 ? -1 - Math.floor(-remaining / DAY_MS) : Math.ceil(remaining / DAY_MS) - 1;
}
