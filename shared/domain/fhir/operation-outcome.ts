import type { OperationOutcome } from '@medplum/fhirtypes';

/** One OperationOutcome issue reduced to coded fields that never carry PHI. */
export interface IssueSummary {
  severity: string;
  code: string;
  /** Codes of `issue.details.coding`, e.g. a vendor's error code. */
  detailCodes: string[];
  /** FHIRPath locations of the problem (paths, not values). */
  expression: string[];
}

/**
 * Reduces an EHR's OperationOutcome to what is safe to log or index.
 *
 * EHRs echo submitted values in `diagnostics` and `details.text` (a name, an
 * identifier), so those are dropped; the full outcome belongs only in
 * encrypted storage for a HIM to read.
 */
export function summarizeOperationOutcome(outcome: OperationOutcome | undefined): IssueSummary[] {
  return (outcome?.issue ?? []).map((issue) => ({
    severity: issue.severity,
    code: issue.code,
    detailCodes: (issue.details?.coding ?? []).flatMap((c) => (c.code ? [c.code] : [])),
    expression: [...(issue.expression ?? [])],
  }));
}
