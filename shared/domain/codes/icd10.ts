/**
 * Syntax of ICD-10 codes as FHIR carries them: upper case, with a dot after the
 * three-character category when more characters follow. Whether a code exists
 * in a given release needs the release's tables; this checks its shape only.
 */

/** WHO ICD-10: a letter and two digits (category), then optionally a dot and one or two digits. */
const WHO = /^[A-Z]\d{2}(\.\d{1,2})?$/;
/**
 * ICD-10-CM: a letter, a digit and a digit or letter (category, e.g. "C4A"), then
 * optionally a dot and one to four digits or letters (etiology, site, severity,
 * the "X" placeholder and the seventh-character extension, e.g. "S72.001A").
 */
const CM = /^[A-Z]\d[\dA-Z](\.[\dA-Z]{1,4})?$/;

function shapeProblem(code: string, pattern: RegExp, example: string, rule: string): string | undefined {
  if (pattern.test(code)) return undefined;
  if (pattern.test(code.toUpperCase()))
    return 'must be written in upper case (ICD-10 codes are case-sensitive)';
  if (/^[A-Za-z0-9]{4,}$/.test(code) && pattern.test(`${code.slice(0, 3)}.${code.slice(3)}`.toUpperCase())) {
    return `must carry a dot after the third character, e.g. "${example}"`;
  }
  return `must be ${rule}, e.g. "${example}"`;
}

/**
 * Why `code` is not a WHO ICD-10 code (`http://hl7.org/fhir/sid/icd-10`), or
 * undefined when its syntax holds. The message never repeats the code.
 */
export function icd10Problem(code: string): string | undefined {
  return shapeProblem(
    code,
    WHO,
    'J06.9',
    'an ICD-10 code: a letter, two digits, then optionally a dot and one or two digits',
  );
}

/**
 * Why `code` is not an ICD-10-CM code (`http://hl7.org/fhir/sid/icd-10-cm`), or
 * undefined when its syntax holds. The message never repeats the code.
 */
export function icd10CmProblem(code: string): string | undefined {
  return shapeProblem(
    code,
    CM,
    'S72.001A',
    'an ICD-10-CM code: a letter, a digit, a digit or letter, then optionally a dot and one to four digits or letters',
  );
}
