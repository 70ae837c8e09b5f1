import { mod10CheckDigit } from './check-digits.js';

/**
 * Why `code` is not a LOINC term code (`http://loinc.org`, e.g. `note.loincType`),
 * or undefined when its syntax and mod-10 check digit hold. LOINC answer (LA),
 * part (LP) and group (LG) codes are not accepted. The message never repeats the code.
 */
export function loincProblem(code: string): string | undefined {
  const match = /^([1-9]\d{0,6})-(\d)$/.exec(code);
  if (!match)
    return 'must be a LOINC code: up to 7 digits without leading zeros, a hyphen and a check digit, e.g. "11506-3"';
  const [, number = '', check = ''] = match;
  if (mod10CheckDigit(number) !== Number(check)) {
    return 'fails the LOINC check digit (mod 10): a digit is wrong or two are swapped';
  }
  return undefined;
}
