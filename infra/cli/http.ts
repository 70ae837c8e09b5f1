import { escapeControl } from '../../shared/domain/text/escape-control.js';

/** Exit codes of every visitbridge command. */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** A command line that cannot run as given (exit 2, usage shown). */
export class UsageError extends Error {}

/** One field the API refused, as its problem's `errors` extension names it (`from`, `body.to`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * The server refused the request (4xx): exit 1 with its problem detail, or exit 2
 * when the problem is with the command line's own values (a bad query parameter or body field).
 */
export class RefusedError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly fields: readonly FieldProblem[] = [],
    readonly badInput = false,
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

/** Problem types that mean "the values you gave are wrong": a usage error, not a refusal. */
const BAD_INPUT = ['invalid-query', 'invalid-cursor'];

/**
 * Calls `{baseUrl}v1/him/{path}` and returns the response when it is 2xx.
 *
 * @throws RefusedError for 4xx (with the problem's title, detail and per-field
 *   `errors`), UnreachableError for a network failure or a 5xx.
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
  const problem = parseProblem(await res.text());
  if (res.status >= 400 && res.status < 500) {
    const badInput = res.status === 400 && BAD_INPUT.some((t) => problem.type?.endsWith(`/${t}`));
    throw new RefusedError(res.status, `${res.status} ${problem.summary}`, problem.errors, badInput);
  }
  throw new UnreachableError(`${url.pathname} answered ${res.status} ${problem.summary}`);
}

function parseProblem(text: string): { summary: string; type?: string; errors: FieldProblem[] } {
  try {
    const p = JSON.parse(text) as { type?: string; title?: string; detail?: string; errors?: unknown };
    const errors = Array.isArray(p.errors)
      ? p.errors
          .filter((e): e is FieldProblem => typeof e?.path === 'string' && typeof e?.message === 'string')
          .map((e) => ({ path: e.path, message: e.message }))
      : [];
    // With per-field problems the detail only repeats them: each is printed on its own line.
    const parts = errors.length > 0 ? [p.title] : [p.title, p.detail];
    const summary = parts.filter((s) => typeof s === 'string' && s).join(': ');
    return { summary, ...(typeof p.type === 'string' ? { type: p.type } : {}), errors };
  } catch {
    return { summary: text.slice(0, 300), errors: [] };
  }
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

/** A refusal for a terminal: the status line, then one line per field the API named; control characters escaped. */
export function refusalText(error: RefusedError): string {
  const lines = [`refused: ${error.message}`, ...error.fields.map((f) => `  ${f.path}: ${f.message}`)];
  return `${lines.map(escapeControl).join('\n')}\n`;
}
