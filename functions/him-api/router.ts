/** A route of the HIM API on the `{proxy+}` path: `ledger/verify`, `notes/{senderId}/{noteId}/{version}`. */
export interface PathRoute {
  method: 'GET' | 'POST';
  path: string;
}

export type PathMatch<R extends PathRoute> =
  | { kind: 'match'; route: R; params: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string[] };

/** Decoded path segments, or undefined for a malformed escape. Empty segments are dropped. */
export function segmentsOf(proxyPath: string): string[] | undefined {
  try {
    return proxyPath
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function matchSegments(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const value = segments[i] as string;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) params[name] = value;
    else if (part !== value) return undefined;
  }
  return params;
}

/**
 * Finds the route for a method and proxy path. Literal segments win over
 * parameters because routes are tried in order (list literal routes first).
 * A path that exists under other methods is `method-not-allowed` with `allow`.
 */
export function matchPath<R extends PathRoute>(
  routes: readonly R[],
  method: string,
  proxyPath: string,
): PathMatch<R> {
  const segments = segmentsOf(proxyPath);
  if (!segments) return { kind: 'not-found' };
  const allow: string[] = [];
  for (const route of routes) {
    const params = matchSegments(route.path.split('/'), segments);
    if (!params) continue;
    if (route.method === method) return { kind: 'match', route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
}
