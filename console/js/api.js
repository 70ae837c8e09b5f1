/**
 * Talks to each cell's HIM API straight from the browser: bearer token in the
 * Authorization header (never in a URL), problem+json turned into `ApiError`.
 */
import { filenameFromDisposition } from './format.js';
import { apiUrl, isSecureBase } from './query.js';

/** A failed HIM API call: the problem's `title`/`detail`, the HTTP status and what was being done. */
export class ApiError extends Error {
  constructor({ status, title, detail, action, cell }) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.action = action;
    this.cell = cell;
  }
}

/** The header that names the HIM action a call belongs to (docs/api.md). */
export const ACTION_HEADER = 'X-HIM-Action';

/**
 * A new HIM action id (a random UUID). A view makes one per user action (a tab
 * shown, a filter applied, a page of results, an export, a review change) and
 * sends it on every call of that action, to every cell, so each cell's audit
 * log records the action once and the audit tab can show it as one row.
 */
export function newActionId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; the same version 4 UUID from random bytes elsewhere.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * An API client bound to a token. Each call takes the `actionId` of the user action
 * it belongs to; a call without one is an action of its own (a new id).
 * @param {{ token: () => string, onUnauthorized: (error: ApiError) => void }} options
 */
export function createApi({ token, onUnauthorized }) {
  async function call(
    cell,
    path,
    {
      method = 'GET',
      search,
      body,
      action,
      actionId = newActionId(),
      accept = 'application/json',
      identifier = false,
    },
  ) {
    if ((identifier || search?.has('patient')) && !isSecureBase(cell.apiBase))
      throw new ApiError({
        status: 0,
        title: 'Not sent',
        detail: `${cell.name} is not on HTTPS: a patient identifier is only sent over HTTPS`,
        action,
        cell: cell.id,
      });
    let response;
    try {
      response = await fetch(apiUrl(cell.apiBase, path, search), {
        method,
        headers: {
          authorization: `Bearer ${token()}`,
          accept,
          [ACTION_HEADER]: actionId,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new ApiError({
        status: 0,
        title: 'Cell unreachable',
        detail: `could not reach ${cell.name}`,
        action,
        cell: cell.id,
      });
    }
    if (!response.ok) {
      const error = await problemOf(response, action, cell);
      if (response.status === 401) onUnauthorized(error);
      throw error;
    }
    return response;
  }

  return {
    /** GET or POST returning JSON. @throws {ApiError} */
    async json(cell, path, options) {
      const response = await call(cell, path, options);
      return response.status === 204 ? {} : response.json();
    },
    /** GET (or POST) returning a file: its name and its bytes. @throws {ApiError} */
    async file(cell, path, options) {
      const response = await call(cell, path, { ...options, accept: '*/*' });
      const fallback = `${cell.id}-${path.replaceAll('/', '-')}`;
      return {
        name: filenameFromDisposition(response.headers.get('content-disposition'), fallback),
        blob: await response.blob(),
      };
    },
  };
}

async function problemOf(response, action, cell) {
  let problem = {};
  try {
    if (/json/.test(response.headers.get('content-type') ?? '')) problem = await response.json();
  } catch {
    problem = {};
  }
  return new ApiError({
    status: response.status,
    title: typeof problem.title === 'string' ? problem.title : `HTTP ${response.status}`,
    detail: typeof problem.detail === 'string' ? problem.detail : undefined,
    action,
    cell: cell.id,
  });
}

/** Saves a blob as a download without putting anything in the page URL. */
export function saveBlob(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
