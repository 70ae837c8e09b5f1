import { escapeControl } from '../../domain/text/escape-control.js';

/** The characters of Windows-1252 above Latin-1's printable range that the standard PDF fonts also draw. */
const CP1252_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

/** Typographic characters outside WinAnsi, drawn as their nearest WinAnsi look-alike. */
const LOOK_ALIKES: Record<string, string> = {
  '−': '-',
  '‐': '-',
  '‑': '-',
  '→': '->',
  '←': '<-',
  '≥': '>=',
  '≤': '<=',
};

const drawable = (c: string): boolean => {
  const code = c.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.includes(c);
};

/**
 * Text as the standard PDF fonts (WinAnsi encoding) can draw it: control characters
 * written as visible escapes (`\x1b`), a few typographic characters as look-alikes,
 * anything else the fonts lack as `?`. Drawing never throws on what a caller passes.
 *
 * @example
 * winAnsiSafe('Zoë → 東京\x1b') // 'Zoë -> ??\\x1b'
 */
export function winAnsiSafe(text: string): string {
  let out = '';
  for (const c of escapeControl(text)) out += drawable(c) ? c : (LOOK_ALIKES[c] ?? '?');
  return out;
}
