import type { DeployIssueDto, FieldError } from '@baton/schemas';

/**
 * An error the server raises on purpose: an HTTP status, a stable `code` and optional details. The
 * errors plugin turns it into `application/problem+json`.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { errors?: FieldError[]; issues?: DeployIssueDto[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

/** The catalogue of the server's own errors; each has one status and one code. */
export const problems = {
  unauthenticated: (detail = 'Sign in or send an API token') =>
    new HttpProblem(401, 'UNAUTHENTICATED', detail),
  loginFailed: () => new HttpProblem(401, 'LOGIN_FAILED', 'Unknown username or wrong password'),
  forbidden: (detail = 'You may not do this') => new HttpProblem(403, 'FORBIDDEN', detail),
  /** An API token lacks the scope a route needs (sessions are never refused for scopes). */
  tokenScope: (detail: string) => new HttpProblem(403, 'TOKEN_SCOPE', detail),
  /** A token was asked for a scope its owner's roles do not allow. */
  scopeNotGrantable: (scope: string, index: number, username: string) =>
    new HttpProblem(
      403,
      'SCOPE_NOT_GRANTABLE',
      `The scope '${scope}' is not allowed by the roles of '${username}', so no token of theirs may hold it`,
      { errors: [{ pointer: `/scopes/${index}`, message: `not allowed by the owner's roles: ${scope}` }] },
    ),
  currentPasswordWrong: () => new HttpProblem(403, 'CURRENT_PASSWORD_WRONG', 'The current password is wrong'),
  accountDeactivated: () =>
    new HttpProblem(403, 'ACCOUNT_DEACTIVATED', 'This account is deactivated; ask an administrator'),
  passwordTooWeak: (reason: string, pointer = '/password') =>
    new HttpProblem(400, 'PASSWORD_TOO_WEAK', `The password is too weak: ${reason}`, {
      errors: [{ pointer, message: reason }],
    }),
  csrfInvalid: () => new HttpProblem(403, 'CSRF_INVALID', 'Missing or wrong x-csrf-token header'),
  notFound: (what: string) => new HttpProblem(404, 'NOT_FOUND', `${what} not found`),
  routeNotFound: (method: string, url: string) =>
    new HttpProblem(404, 'ROUTE_NOT_FOUND', `No route ${method} ${url}`),
  conflict: (code: string, detail: string) => new HttpProblem(409, code, detail),
  badRequest: (code: string, detail: string, errors?: FieldError[]) =>
    new HttpProblem(400, code, detail, { errors }),
  formDataInvalid: (errors: FieldError[]) =>
    new HttpProblem(400, 'FORM_DATA_INVALID', 'The submitted data does not match the form', { errors }),
  formSchemaInvalid: (errors: FieldError[]) =>
    new HttpProblem(400, 'FORM_SCHEMA_INVALID', 'The form schema is not a valid JSON Schema', { errors }),
  deployInvalid: (issues: DeployIssueDto[]) =>
    new HttpProblem(400, 'DEFINITION_INVALID', `BPMN is invalid (${issues.length} problem(s))`, { issues }),
  rateLimited: (retryAfterSeconds: number) =>
    new HttpProblem(429, 'RATE_LIMITED', `Too many login attempts; retry in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    }),
  tooManyStreams: (max: number) =>
    new HttpProblem(
      429,
      'TOO_MANY_STREAMS',
      `At most ${max} event streams may be open per session or API token; close one first`,
      { retryAfterSeconds: 5 },
    ),
  /** The same code the engine gives a lost database, so clients retry on one code. */
  unavailable: (detail = 'The database is unavailable; retry shortly') =>
    new HttpProblem(503, 'STORE_UNAVAILABLE', detail, { retryAfterSeconds: 2 }),
} as const;
