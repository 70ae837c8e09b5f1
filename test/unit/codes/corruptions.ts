/** Every code that differs from `code` in exactly one digit (each digit position, each other value). */
export function singleDigitCorruptions(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < code.length; i++) {
    const digit = code[i] ?? '';
    if (!/\d/.test(digit)) continue;
    for (let d = 0; d <= 9; d++) {
      if (String(d) !== digit) out.push(`${code.slice(0, i)}${d}${code.slice(i + 1)}`);
    }
  }
  return out;
}

/** Every code with two adjacent, different digits swapped. */
export function adjacentSwaps(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < code.length; i++) {
    const [a = '', b = ''] = [code[i], code[i + 1]];
    if (/\d/.test(a) && /\d/.test(b) && a !== b) out.push(`${code.slice(0, i)}${b}${a}${code.slice(i + 2)}`);
  }
  return out;
}
