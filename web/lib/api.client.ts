/**
 * The one API helper of the support pages: JSON in and out, the signed-in key as a bearer token, and the
 * service's error body (`{ code, message, errors }`) turned into an ApiError the page can show.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly body?: unknown,
  ) {
    super(message);
  }

  /** The key was refused (unknown, revoked, or without the role): the shell has signed the person out. */
  get signedOut(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiClient {
  request<T>(method: Method, path: string, body?: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
  /** A GET whose body is not JSON (a CSV download), as text. */
  text(path: string): Promise<string>;
}

/**
 * `key()` is read on every call (the person may sign in again); `onRefused` runs on 401/403 before the
 * promise rejects, so the shell can show its sign-in form.
 */
export function createApiClient(key: () => string | null, onRefused: (status: number) => void): ApiClient {
  async function send(method: Method, path: string, body?: unknown): Promise<string> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const current = key();
    if (current) headers.Authorization = `Bearer ${current}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      const data = parseJson(text);
      const err = (data ?? {}) as { message?: string; code?: string };
      if (res.status === 401 || res.status === 403) onRefused(res.status);
      throw new ApiError(res.status, err.message || `Request failed (${res.status})`, err.code, data);
    }
    return text;
  }
  async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return parseJson(await send(method, path, body)) as T;
  }
  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body ?? {}),
    put: (path, body) => request('PUT', path, body),
    delete: (path) => request('DELETE', path),
    text: (path) => send('GET', path),
  };
}

/** The body as JSON; a body that is not JSON (a proxy's error page) becomes its message. */
function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
