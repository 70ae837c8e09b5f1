import { escapeControl, escapeControlJson } from '../../../shared/domain/text/escape-control.js';

describe('escapeControl', () => {
  it('writes CR, LF, ESC, DEL and C1 controls as \\xHH escapes', () => {
    expect(escapeControl('a\rb\nc\x1b[2Jd\x7fe\u0085f\u009b')).toBe(
      'a\\x0db\\x0ac\\x1b[2Jd\\x7fe\\x85f\\x9b',
    );
  });

  it('writes line separators and bidirectional overrides as \\uHHHH escapes', () => {
    expect(escapeControl('x\u2028y\u202ez\u2066')).toBe('x\\u2028y\\u202ez\\u2066');
  });

  it('keeps printable text, accents and emoji unchanged', () => {
    expect(escapeControl('Zoë — sender-1 ✓ 👍')).toBe('Zoë — sender-1 ✓ 👍');
  });
});

describe('escapeControlJson', () => {
  it('escapes what JSON.stringify leaves raw and still parses to the same value', () => {
    const value = { id: 'a\u009b31mb\u202ec\x7f' };
    const text = escapeControlJson(JSON.stringify(value));
    expect(text).toBe('{"id":"a\\u009b31mb\\u202ec\\u007f"}');
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('escapeControlJson on indented JSON', () => {
  it('keeps the indentation of JSON.stringify(value, null, 2)', () => {
    const value = { a: ['x\x1by'] };
    expect(JSON.parse(escapeControlJson(JSON.stringify(value, null, 2)))).toEqual(value);
  });
});
