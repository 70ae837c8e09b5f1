/** Renders `vnode.js` nodes into real DOM elements (browser only). */
const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates the element tree of a node. Text is always set as text, never parsed
 * as HTML, so server data cannot inject markup.
 */
export function render(node, inSvg = false) {
  if (typeof node === 'string') return document.createTextNode(node);
  const svg = inSvg || node.tag === 'svg';
  const el = svg ? document.createElementNS(SVG_NS, node.tag) : document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs)) {
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'ref' && typeof value === 'function') value(el);
    else if (!svg && name in el && typeof value === 'boolean') el[name] = value;
    else if (!svg && (name === 'value' || name === 'checked')) el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of node.children) el.appendChild(render(child, svg && node.tag !== 'foreignObject'));
  return el;
}

/** Replaces the children of `parent` with the rendered nodes (nested arrays and nulls allowed). */
export function mount(parent, ...nodes) {
  parent.replaceChildren(...nodes.flat(Number.POSITIVE_INFINITY).flatMap((n) => (n ? [render(n)] : [])));
}

/** The value of a named form control, trimmed. */
export function field(form, name) {
  const control = form.elements.namedItem(name);
  return control && 'value' in control ? String(control.value).trim() : '';
}
