/**
 * The signed-in session: the bearer token lives in sessionStorage only (gone
 * when the tab closes), never in the URL, localStorage or a cookie.
 */
const TOKEN_KEY = 'visitbridge.him.token';
const CELLS_KEY = 'visitbridge.him.cells';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY) ?? '',
  signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
  /** Cell ids last selected in this tab (ids only, no PHI). */
  selectedCells() {
    try {
      const ids = JSON.parse(sessionStorage.getItem(CELLS_KEY) ?? 'null');
      return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string') : null;
    } catch {
      return null;
    }
  },
  selectCells(ids) {
    sessionStorage.setItem(CELLS_KEY, JSON.stringify(ids));
  },
};

/**
 * Mints a development token from the local issuer (local runtime only).
 * @throws {Error} with the issuer's error description
 */
export async function mintDevToken(tokenUrl, { user, roles, country }) {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, roles, ...(country ? { country } : {}) }),
    cache: 'no-store',
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.access_token !== 'string')
    throw new Error(body.error_description ?? `the dev issuer answered HTTP ${response.status}`);
  return body.access_token;
}

/** Loads `config.json` next to the console. @throws {Error} when missing or malformed */
export async function loadConfig() {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = await response.json();
  if (!Array.isArray(config.cells) || config.cells.length === 0)
    throw new Error('config.json lists no cells');
  return config;
}
