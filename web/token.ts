// The bearer token: taken from the one-click link's fragment (never a query string, so it never reaches a server
// log) and kept in sessionStorage (gone when the tab closes).

const STORAGE_KEY = 'market-data-dashboard.token';

/** Moves `#token=…` into sessionStorage and off the address bar (and out of the history entry). */
export function takeTokenFromFragment(location: Location, history: History): void {
  const match = /^#token=([^&]+)$/.exec(location.hash);
  if (match?.[1] === undefined) return;
  storeToken(decodeURIComponent(match[1]));
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
}

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null || token.trim() === '') sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, token.trim());
  } catch {
    // Storage disabled: the token then lives until the page is left.
  }
}
