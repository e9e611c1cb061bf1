import { ApiError, problemFromResponse } from './problem.js';

export type QueryValue = string | number | boolean | undefined | null | readonly string[];

/** Builds `path?query`, leaving out empty values so filters stay optional; a list repeats its key. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export interface ApiClientOptions {
  /** Defaults to the page's origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

/**
 * A small typed fetch wrapper: sends cookies, adds `x-csrf-token` to state-changing requests,
 * and turns problem+json answers into ApiError.
 */
export class ApiClient {
  private csrfToken: string | undefined;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly unauthorizedListeners = new Set<(error: ApiError) => void>();

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token;
  }

  /** Calls `listener` on every 401 answer (an expired session); returns the unsubscribe function. */
  onUnauthorized(listener: (error: ApiError) => void): () => void {
    this.unauthorizedListeners.add(listener);
    return () => this.unauthorizedListeners.delete(listener);
  }

  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** Fetches a text resource (a diagram's XML). */
  async text(path: string): Promise<string> {
    const response = await this.send('GET', path, undefined, 'application/xml, text/plain, */*');
    return response.text();
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body, 'application/json');
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiError(
        0,
        'network_error',
        'Network error',
        cause instanceof Error ? cause.message : undefined,
      );
    }
    if (!response.ok) {
      const problem = await problemFromResponse(response);
      if (problem.status === 401) for (const listener of this.unauthorizedListeners) listener(problem);
      throw problem;
    }
    return response;
  }
}

/** The app's single client; the auth context sets its CSRF token. */
export const api = new ApiClient();
