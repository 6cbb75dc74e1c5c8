// The REST API as the UI uses it: every call carries the token the user logged in with; errors become ApiError
// with the server's code, message and per-field errors, so pages can show them where they belong.

const TOKEN_KEY = 'tidemark.token';
const SCOPES = ['read-only', 'operator', 'admin'];

/** Who is logged in. The token lives in sessionStorage: it goes when the tab closes and is never sent elsewhere. */
export const session = { token: sessionStorage.getItem(TOKEN_KEY), name: null, scope: null };

let onLoggedOut = () => {};
export function whenLoggedOut(callback) { onLoggedOut = callback; }

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `the server answered HTTP ${status}`);
    this.status = status;
    this.code = error?.code || `http_${status}`;
    this.field = error?.field || null;
    this.errors = error?.errors || [];
  }
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { code: 'unreachable', message: `cannot reach the Tidemark server (${e.message}); is it running?` });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) {
    if (response.status === 401 && session.scope) logout();
    throw new ApiError(response.status, json?.error ?? { message: text });
  }
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

/** Checks a token with the server and keeps it for this tab. */
export async function login(token) {
  session.token = token;
  try {
    const me = await get('/api/v1/session');
    // Logged out (or in with another token) while the server answered: that later choice wins.
    if (session.token !== token) throw new ApiError(401, { code: 'logged_out', message: 'logged out' });
    session.name = me.name;
    session.scope = me.scope;
    sessionStorage.setItem(TOKEN_KEY, token);
    return me;
  } catch (e) {
    session.token = null;
    throw e;
  }
}

export function logout() {
  sessionStorage.removeItem(TOKEN_KEY);
  session.token = null;
  session.name = null;
  session.scope = null;
  onLoggedOut();
}

/** Whether the logged-in token's scope includes {@code scope} (read-only < operator < admin). */
export function can(scope) {
  return SCOPES.indexOf(session.scope) >= SCOPES.indexOf(scope);
}

/** Downloads an API answer as a file (the token goes in a header, so a plain link cannot do it). */
export async function download(path, fileName) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${session.token}` } });
  if (!response.ok) {
    const json = await response.json().catch(() => null);
    throw new ApiError(response.status, json?.error);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A path segment, escaped: names are identifiers, but the UI never builds a URL from unescaped text. */
export const seg = (text) => encodeURIComponent(String(text));
