/**
 * Check-digit algorithms of the code systems visitbridge checks at the door.
 * Pure functions over strings of ASCII digits; callers check the syntax first.
 */

// Verhoeff's dihedral group D5: multiplication, position permutation and inverse tables.
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

const cell = (table: number[][], row: number, column: number): number => table[row]?.[column] ?? 0;

function verhoeffChecksum(digits: string, offset: number): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = cell(D, c, cell(P, (i + offset) % 8, digit));
  }
  return c;
}

/**
 * The Verhoeff check digit of `digits` (SNOMED CT puts it last in every SCTID).
 * It catches every single-digit error and every swap of adjacent digits.
 *
 * @example verhoeffCheckDigit('2229800') === 6 // SCTID 22298006
 */
export function verhoeffCheckDigit(digits: string): number {
  return INV[verhoeffChecksum(digits, 1)] ?? 0;
}

/** Whether the last digit of `digits` is the Verhoeff check digit of the ones before it. */
export function verhoeffValid(digits: string): boolean {
  return digits.length > 1 && verhoeffChecksum(digits, 0) === 0;
}

/**
 * The mod-10 (Luhn) check digit of `digits`, as LOINC computes it over the
 * code's number: double every other digit from the right, add the digits of
 * the results and the digits left alone, and take what reaches the next multiple of 10.
 *
 * @example mod10CheckDigit('12345') === 5 // LOINC's worked example
 */
export function mod10CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    const weighted = i % 2 === 0 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  }
  return (10 - (sum % 10)) % 10;
}
