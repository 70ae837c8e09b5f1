import type { ChainFields } from '../ledger/chain.js';

/** Roles an HIM user may hold (docs/him-review.md). */
export const HIM_ROLE_NAMES = ['him-reviewer', 'privacy-officer', 'integration-admin'] as const;
export type HimRoleName = (typeof HIM_ROLE_NAMES)[number];

/**
 * One HIM action as the caller records it: who, in which role, did what to
 * which ids, from where, and how it ended. Ids and codes only, never PHI: a
 * patient filter appears as its pseudonymous reference, a note as its ids.
 */
export interface UnsealedAuditEntry {
  /** ISO instant (`Date.toISOString()`), so entries sort by time as strings. */
  at: string;
  /** The token subject, prefixed: `him:<sub>`. */
  actor: string;
  /**
   * The role that authorised the action (the first of the caller's roles the route
   * accepts); for a refused call, the caller's roles joined by `+` (`none` when it has none).
   */
  role: string;
  /** Stable action name, e.g. `notes.view`, `deliveries.replay`. */
  action: string;
  /** What was acted on, as ids (`note:<sender>/<note>/<version>/<event>`) or a filter summary. */
  target: string;
  /**
   * The HIM action this call belongs to (a UUID, lower case): one user action in the console
   * (a view, a filter, an export, a note view) sends the same id to every cell it reaches,
   * so the entries of one action are read together. Absent on entries older than the field.
   */
  actionId?: string;
  /**
   * Whose record a PHI route read or reported on, as the cell's keyed patient reference
   * (`pt_…`, never the identifier): what ties a note view to its patient in a disclosure
   * accounting. Absent on other routes and on entries older than the field.
   */
  patientRef?: string;
  /** Why PHI was read (`treatment`, `legal`, `patient-request`, …): on PHI routes only. */
  purpose?: string;
  /** Where the viewer was (the token's ISO 3166-1 alpha-2 `custom:country`): on PHI routes, when the token says. */
  viewerCountry?: string;
  sourceIp: string;
  /** `ok`, or the problem code the request ended with (`forbidden`, `transfer-denied`, …). */
  outcome: string;
}

/** An audit entry chained into its cell's audit log (same hashing as the transfers ledger). */
export type AuditEntry = UnsealedAuditEntry & ChainFields;
