/** Exit codes of every visitbridge command. */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** A command line that cannot run as given (exit 2, usage shown). */
export class UsageError extends Error {}

/** The server refused the request (4xx): exit 1 with its problem detail. */
export class RefusedError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

/** The stack or cell could not be reached, or failed (network error, 5xx): exit 3. */
export class UnreachableError extends Error {}

/** A cell's HIM API as the CLI talks to it: base URL (`…/uk/`) and a bearer token. */
export interface HimTarget {
  baseUrl: string;
  token: string;
}

/**
 * Calls `{baseUrl}v1/him/{path}` and returns the response when it is 2xx.
 *
 * @throws RefusedError for 4xx (with the problem's detail), UnreachableError otherwise.
 */
export async function himFetch(
  target: HimTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const url = new URL(`v1/him/${path}`, target.baseUrl.endsWith('/') ? target.baseUrl : `${target.baseUrl}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new UnreachableError(`cannot reach ${url.origin}: ${(error as Error).message}`);
  }
  if (res.ok) return res;
  const text = await res.text();
  let detail = text.slice(0, 300);
  try {
    const problem = JSON.parse(text) as { title?: string; detail?: string };
    detail = [problem.title, problem.detail].filter(Boolean).join(': ');
  } catch {
    // not a problem document: keep the text
  }
  if (res.status >= 400 && res.status < 500) throw new RefusedError(res.status, `${res.status} ${detail}`);
  throw new UnreachableError(`${url.pathname} answered ${res.status} ${detail}`);
}

/** `himFetch` and the JSON body. */
export async function himJson<T>(
  target: HimTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return (await (await himFetch(target, method, path, body)).json()) as T;
}

/** Query string from defined values. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
