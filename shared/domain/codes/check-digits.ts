/**
 * Check-digit algorithms of the code systems visitbridge checks at the door.
 * Pure functions over strings of ASCII digits; callers check the syntax first.
 */

// Verhoeff's dihedral group D5: 0-4 are rotations, 5-9 reflections.
/** The group's multiplication table, from its rule: rotations add, a reflection reverses what follows. */
const D = Array.from({ length: 10 }, (_, j) =>
  Array.from({ length: 10 }, (_, k) => {
    if (j < 5) return k < 5 ? (j + k) % 5 : 5 + ((j + k) % 5);
    return k < 5 ? 5 + ((j - k + 5) % 5) : (j - k + 5) % 5;
  }),
);
/** The position permutation (0 1 5 8 9 4 2 7)(3 6) and its powers: row i applies it i times. */
const PERMUTATION = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
const P = Array.from({ length: 8 }, (_, i) =>
  Array.from({ length: 10 }, (_, digit) => {
    let d = digit;
    for (let n = 0; n < i; n++) d = PERMUTATION[d] ?? d;
    return d;
  }),
);
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
