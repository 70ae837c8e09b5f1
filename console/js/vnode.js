/**
 * A tiny virtual node: `{ tag, attrs, children }`. Pure, so chart and table
 * builders can be unit-tested in Node; `dom.js` turns nodes into elements.
 * Attributes named `on<event>` become listeners; `null`, `undefined` and `false`
 * attributes and children are dropped.
 *
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...unknown} children strings, numbers, nodes or (nested) arrays of them
 * @returns {{ tag: string, attrs: Record<string, unknown>, children: Array<object | string> }}
 */
export function h(tag, attrs, ...children) {
  const clean = {};
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value !== null && value !== undefined && value !== false) clean[name] = value;
  }
  return { tag, attrs: clean, children: flatten(children) };
}

function flatten(children) {
  const out = [];
  for (const child of children) {
    if (Array.isArray(child)) out.push(...flatten(child));
    else if (child === null || child === undefined || child === false || child === true) continue;
    else if (typeof child === 'object') out.push(child);
    else out.push(String(child));
  }
  return out;
}

/** All text inside a node, depth first (tests and accessible names). */
export function textOf(node) {
  if (typeof node === 'string') return node;
  return node.children.map(textOf).join('');
}

/** Every descendant node (and the node itself) whose tag is `tag`. */
export function findAll(node, tag) {
  if (typeof node === 'string') return [];
  const own = node.tag === tag ? [node] : [];
  return own.concat(node.children.flatMap((c) => findAll(c, tag)));
}
