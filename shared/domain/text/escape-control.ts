/**
 * Characters that steer a terminal, split a CSV or log line, or reorder text on
 * screen: C0 controls (CR, LF, ESC, …), DEL, C1 controls, the Unicode line and
 * paragraph separators and the bidirectional overrides.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this module's purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same without C0: raw C0 in JSON text is only its own indentation, as `JSON.stringify` escapes them in strings. */
const CONTROL_BEYOND_C0 = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, '0');

/**
 * Text that came from outside (query values, ids, sender names) made safe to put
 * on a terminal, in a CSV field or in a log line: every control character is
 * written as a visible escape (`\x1b`, `\x0d`, `\u202e`), everything else is kept.
 *
 * @example
 * escapeControl('ok\x1b[2J') // 'ok\\x1b[2J'
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/**
 * JSON text (from `JSON.stringify`) with every control character inside its
 * strings written as a `\uXXXX` escape, so it stays the same JSON value but is
 * safe on a terminal: `JSON.stringify` escapes C0 controls, not DEL, C1 or the
 * bidirectional overrides.
 */
export function escapeControlJson(json: string): string {
  return json.replace(CONTROL_BEYOND_C0, (c) => `\\u${hex(c, 4)}`);
}
