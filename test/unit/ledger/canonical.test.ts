import { canonicalJson } from '../../../shared/domain/ledger/canonical.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('sorts keys by UTF-16 code units as RFC 8785 does', () => {
    expect(canonicalJson({ é: 1, z: 2, A: 3, '\u{1F600}': 4, '\uFB33': 5 })).toBe(
      '{"A":3,"z":2,"é":1,"\u{1F600}":4,"\uFB33":5}',
    );
  });

  it('writes numbers the ECMAScript way', () => {
    expect(canonicalJson([1e21, 1.5, -0, 0.000001, 1e-7])).toBe('[1e+21,1.5,0,0.000001,1e-7]');
  });

  it('escapes strings as JSON.stringify does', () => {
    expect(canonicalJson('a"b\\c\n\u0001')).toBe('"a\\"b\\\\c\\n\\u0001"');
  });

  it('leaves out members whose value is undefined', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('encodes the same object the same way whatever its key order', () => {
    expect(canonicalJson({ x: 1, y: [true, false] })).toBe(canonicalJson({ y: [true, false], x: 1 }));
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', 1n],
    ['a Date', new Date(0)],
    ['undefined in an array', [undefined]],
  ])('refuses %s', (_, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
