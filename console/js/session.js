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

/** Loads `config.json` next to the console. @throws {Error} when missing or malformed */
export async function loadConfig() {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = await response.json();
  if (!Array.isArray(config.cells) || config.cells.length === 0)
    throw new Error('config.json lists no cells');
  return config;
}
