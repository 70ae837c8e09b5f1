import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Imports a console module (plain browser ES module, no build step) by file URL,
 * so tests load exactly what the browser loads. Typed by the caller.
 */
export function loadConsoleModule<T>(path: string): Promise<T> {
  return import(pathToFileURL(resolve('console/js', path)).href) as Promise<T>;
}

/** The vnode shape of console/js/vnode.js. */
export interface VNode {
  tag: string;
  attrs: Record<string, unknown>;
  children: Array<VNode | string>;
}
