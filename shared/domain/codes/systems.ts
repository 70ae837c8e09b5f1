import { icd10CmProblem, icd10Problem } from './icd10.js';
import { loincProblem } from './loinc.js';
import { sctidProblem } from './snomed.js';

export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
export const ICD10_CM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const SNOMED_CT = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';

/** The code systems whose codes are checked, by their FHIR system URI (compared exactly). */
const CHECKS: Readonly<Record<string, (code: string) => string | undefined>> = {
  [ICD10]: icd10Problem,
  [ICD10_CM]: icd10CmProblem,
  [SNOMED_CT]: sctidProblem,
  [LOINC]: loincProblem,
};

/** The system URIs whose codes {@link codingProblem} checks. */
export const CHECKED_SYSTEMS: readonly string[] = Object.keys(CHECKS);

/**
 * Why `code` is not a valid code of `system`, or undefined when it is, or
 * when visitbridge does not know the system (any code the event schema allows
 * is kept then). Syntax and check digits only: no terminology lookup.
 *
 * @example codingProblem('http://snomed.info/sct', '22298007') // 'fails the SNOMED CT check digit …'
 */
export function codingProblem(system: string, code: string): string | undefined {
  return Object.hasOwn(CHECKS, system) ? CHECKS[system]?.(code) : undefined;
}
