import type { EngineErrorCode } from '@baton/engine';
import type { FieldError, Problem } from '@baton/schemas';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, problems } from '../errors.js';
import { isConnectionError, isDataException } from '../persistence/db-errors.js';
import { pointerOf } from '../util/ajv-pointer.js';

/** Every engine error code has exactly one HTTP status; a new code without one does not compile. */
export const ENGINE_ERROR_STATUS: Record<EngineErrorCode, number> = {
  DEFINITION_INVALID: 400,
  DEFINITION_NOT_FOUND: 404,
  INSTANCE_NOT_FOUND: 404,
  INSTANCE_NOT_ACTIVE: 409,
  TASK_NOT_FOUND: 404,
  TASK_NOT_ACTIVE: 409,
  TASK_NOT_ASSIGNED: 409,
  TASK_NOT_CLAIMED: 409,
  TASK_ALREADY_CLAIMED: 409,
  TASK_DELEGATED: 409,
  TASK_NOT_DELEGATED: 409,
  FORBIDDEN: 403,
  TASK_RETURN_TARGET_INVALID: 400,
  JOB_NOT_FOUND: 404,
  JOB_LEASE_LOST: 409,
  INCIDENT_NOT_FOUND: 404,
  ABSENCE_NOT_FOUND: 404,
  MESSAGE_NOT_CORRELATED: 404,
  CONCURRENCY_CONFLICT: 409,
  EXPRESSION_FAILED: 422,
  EXPRESSION_BUDGET_EXCEEDED: 422,
  INVALID_ARGUMENT: 400,
  STORE_UNAVAILABLE: 503,
  MIGRATION_REFUSED: 422,
  BATCH_NOT_FOUND: 404,
  BATCH_STATE_CONFLICT: 409,
  STATE_FORMAT_UNSUPPORTED: 409,
  CALENDAR_NOT_FOUND: 404,
  CALENDAR_INVALID: 400,
  DECISION_NOT_FOUND: 404,
  DECISION_EVALUATION_FAILED: 422,
  START_GATHERING_FULL: 409,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Stable codes for fastify's own client errors. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_BAD_URL: 'BAD_URL',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST',
};

function isEngineError(err: unknown): err is Error & { code: EngineErrorCode; issues?: unknown } {
  return (
    err instanceof Error &&
    typeof (err as { code?: unknown }).code === 'string' &&
    Object.hasOwn(ENGINE_ERROR_STATUS, (err as unknown as { code: string }).code)
  );
}

function toProblem(err: unknown): { problem: Problem; retryAfter?: number } {
  const make = (status: number, code: string, detail: string, extra: Partial<Problem> = {}): Problem => ({
    type: `https://baton.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  });
  if (err instanceof HttpProblem) {
    const extra: Partial<Problem> = {};
    if (err.details.errors) extra.errors = err.details.errors;
    if (err.details.issues) extra.issues = err.details.issues;
    return {
      problem: make(err.status, err.code, err.message, extra),
      retryAfter: err.details.retryAfterSeconds,
    };
  }
  if (isEngineError(err)) {
    const status = ENGINE_ERROR_STATUS[err.code];
    const extra: Partial<Problem> = Array.isArray(err.issues)
      ? { issues: err.issues as Problem['issues'] }
      : {};
    return {
      problem: make(status, err.code, err.message, extra),
      retryAfter: status === 503 ? 2 : undefined,
    };
  }
  const fe = err as FastifyError & {
    validation?: { instancePath?: string; params?: Record<string, unknown>; message?: string }[];
  };
  if (fe?.validation) {
    const part = fe.validationContext ?? 'body';
    const errors: FieldError[] = fe.validation.map((v) => ({
      pointer: pointerOf(v as never),
      message: v.message ?? 'invalid',
    }));
    return { problem: make(400, 'VALIDATION_FAILED', `Invalid ${part}: ${fe.message}`, { errors }) };
  }
  if (isDataException(err)) {
    return {
      problem: make(400, 'INVALID_VALUE', 'A value cannot be stored (for example a NUL character in text)'),
    };
  }
  if (isConnectionError(err)) {
    const p = problems.unavailable();
    return { problem: make(503, p.code, p.message), retryAfter: 2 };
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code =
      FASTIFY_CODES[fe.code] ??
      (fe instanceof SyntaxError || /JSON/i.test(fe.message) ? 'BAD_JSON' : 'BAD_REQUEST');
    return { problem: make(status, code, fe.message) };
  }
  return { problem: make(500, 'INTERNAL', 'Something went wrong on our side; it has been logged') };
}

/** Sends a problem+json answer. */
export function sendProblem(reply: FastifyReply, err: unknown): FastifyReply {
  const { problem, retryAfter } = toProblem(err);
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** Every error becomes `application/problem+json`; only real faults are 500s (and are logged as such). */
export function registerErrorHandling(
  app: FastifyInstance,
  onNotFound?: (req: FastifyRequest, reply: FastifyReply) => unknown,
): void {
  app.setErrorHandler((err, req, reply) => {
    const { problem } = toProblem(err);
    if (problem.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.debug({ code: problem.code }, problem.detail);
    return sendProblem(reply, err);
  });
  const fallback = (req: FastifyRequest, reply: FastifyReply) =>
    sendProblem(reply, problems.routeNotFound(req.method, req.url.split('?')[0] ?? ''));
  app.setNotFoundHandler(async (req, reply) => (onNotFound ?? fallback)(req, reply));
}
