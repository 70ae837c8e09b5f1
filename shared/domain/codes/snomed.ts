import { verhoeffValid } from './check-digits.js';

/**
 * Partition identifiers (the two digits before the check digit) of SNOMED CT
 * components. Only concepts are codes; description and relationship ids are not.
 * The first digit says whether the id carries a namespace (1) or not (0).
 */
const CONCEPT_PARTITIONS = new Set(['00', '10']);
const OTHER_PARTITIONS = new Set(['01', '02', '11', '12']);
/** Namespace (7 digits) + partition (2) + check digit (1) + at least one item digit. */
const MIN_LONG_FORMAT = 11;

/**
 * Why `code` is not a SNOMED CT concept id (`http://snomed.info/sct`), or
 * undefined when its syntax, partition and Verhoeff check digit hold.
 * Post-coordinated expressions are not accepted. The message never repeats the code.
 */
export function sctidProblem(code: string): string | undefined {
  if (!/^\d+$/.test(code)) return 'must be a SNOMED CT concept id: digits only, e.g. "22298006"';
  if (code.length < 6 || code.length > 18) return 'must be a SNOMED CT concept id of 6 to 18 digits';
  if (code.startsWith('0')) return 'must not start with 0 (SNOMED CT ids have no leading zeros)';
  const partition = code.slice(-3, -1);
  if (OTHER_PARTITIONS.has(partition)) {
    return 'is a SNOMED CT description or relationship id (partition identifier), not a concept id';
  }
  if (!CONCEPT_PARTITIONS.has(partition)) return 'has no valid SNOMED CT partition identifier';
  if (partition.startsWith('1') && code.length < MIN_LONG_FORMAT) {
    return 'is too short for a SNOMED CT id with a namespace (at least 11 digits)';
  }
  if (!verhoeffValid(code))
    return 'fails the SNOMED CT check digit (Verhoeff): a digit is wrong or two are swapped';
  return undefined;
}
