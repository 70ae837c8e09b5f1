import { icd10CmProblem, icd10Problem } from './icd10.js';
import { loincProblem } from './loinc.js';
import { sctidProblem } from './snomed.js';

/** FHIR system URI of WHO ICD-10. */
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
/** FHIR system URI of ICD-10-CM (the US clinical modification). */
const ICD10_CM = 'http://hl7.org/fhir/sid/icd-10-cm';
/** FHIR system URI of SNOMED CT, every edition. */
const SNOMED_CT = 'http://snomed.info/sct';
/** FHIR system URI of LOINC. */
export const LOINC = 'http://loinc.org';

/** The code systems whose codes are checked, by their FHIR system URI (compared exactly). */
const CHECKS = new Map<string, (code: string) => string | undefined>([
  [ICD10, icd10Problem],
  [ICD10_CM, icd10CmProblem],
  [SNOMED_CT, sctidProblem],
  [LOINC, loincProblem],
]);

/**
 * Why `code` is not a valid code of `system`, or undefined when it is, or
 * when visitbridge does not know the system (any code the event schema allows
 * is kept then). Syntax and check digits only: no terminology lookup.
 *
 * @example codingProblem('http://snomed.info/sct', '22298007') // 'fails the SNOMED CT check digit …'
 */
export function codingProblem(system: string, code: string): string | undefined {
  return CHECKS.get(system)?.(code);
}
