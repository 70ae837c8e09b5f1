/**
 * Canonical JSON in the style of RFC 8785 (JCS): object keys sorted by UTF-16
 * code units, no whitespace, strings and numbers as ECMAScript `JSON.stringify`
 * writes them (which is what JCS specifies). Object members whose value is
 * `undefined` are left out, as `JSON.stringify` does, so a value that went
 * through a store that drops absent attributes encodes the same.
 *
 * @throws TypeError for values JSON cannot represent (non-finite numbers,
 *   bigint, functions, symbols, `undefined` in an array, non-plain objects such as Date).
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot encode non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(encodeArrayItem).join(',')}]`;
      return encodeObject(value);
    default:
      throw new TypeError(`cannot encode a value of type ${typeof value}`);
  }
}

function encodeArrayItem(item: unknown): string {
  if (item === undefined) throw new TypeError('cannot encode undefined inside an array');
  return canonicalJson(item);
}

function encodeObject(value: object): string {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`cannot encode an instance of ${value.constructor?.name ?? 'an unknown class'}`);
  }
  const members = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
  return `{${members.join(',')}}`;
}
