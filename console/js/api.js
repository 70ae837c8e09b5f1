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

/**
 * An API client bound to a token.
 * @param {{ token: () => string, onUnauthorized: (error: ApiError) => void }} options
 */
export function createApi({ token, onUnauthorized }) {
  async function call(cell, path, { method = 'GET', search, body, action, accept = 'application/json' }) {
    if (search?.has('patient') && !isSecureBase(cell.apiBase))
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
    /** GET returning a file: its name and its bytes. @throws {ApiError} */
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
