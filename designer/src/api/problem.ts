import type { DeployIssue, FieldError } from './types.js';

/** An `application/problem+json` answer (or a network failure) raised as an error the UI can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: readonly FieldError[] = [],
    readonly issues: readonly DeployIssue[] = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
  }
}

function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** Turns any non-2xx response into an ApiError, reading problem+json when the server sent it. */
export async function problemFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy error page, say): keep the status line as the message.
  }
  const title =
    typeof body.title === 'string' ? body.title : response.statusText || `HTTP ${response.status}`;
  const detail = typeof body.detail === 'string' ? body.detail : undefined;
  const code = typeof body.code === 'string' ? body.code : `http_${response.status}`;
  return new ApiError(
    response.status,
    code,
    title,
    detail,
    asArray<FieldError>(body.errors),
    asArray<DeployIssue>(body.issues),
  );
}
