import { feelSyntaxError, toExpr } from '../expressions/feel.js';
import type { DeployIssue, Expr } from './types.js';

/** Stable codes of deploy problems; the designer pins them on elements, so they never change meaning. */
export type DeployIssueCode =
  | 'xml.malformed'
  | 'xml.invalid'
  | 'id.duplicate'
  | 'process.none-executable'
  | 'element.unsupported'
  | 'extension.unsupported'
  | 'reference.missing'
  | 'flow.condition-missing'
  | 'flow.condition-unexpected'
  | 'flow.default-invalid'
  | 'flow.incoming-missing'
  | 'flow.incoming-invalid'
  | 'flow.scope-invalid'
  | 'flow.outgoing-invalid'
  | 'timer.invalid'
  | 'feel.syntax'
  | 'task.type-missing'
  | 'task.retries-invalid'
  | 'task.schedule-invalid'
  | 'task.assignment-invalid'
  | 'calendar.invalid'
  | 'calendar.unsupported'
  | 'io-mapping.invalid'
  | 'script.missing'
  | 'call.process-missing'
  | 'decision.reference-invalid'
  | 'message.name-missing'
  | 'message.correlation-missing'
  | 'message.not-sent'
  | 'signal.name-missing'
  | 'link.invalid'
  | 'link.unused'
  | 'link.reference-ignored'
  | 'scope.start-invalid'
  | 'scope.depth-exceeded'
  | 'event-subprocess.start-invalid'
  | 'gateway.target-invalid'
  | 'gateway.activation-missing'
  | 'event.invalid'
  | 'boundary.host-invalid'
  | 'loop.invalid'
  | 'extension.ignored'
  | 'reference.type-unresolved'
  | 'listener.invalid'
  | 'flow.condition-ignored'
  | 'form.invalid'
  | 'form.unsupported'
  | 'form.ignored'
  | 'compensation.invalid'
  | 'compensation.wait-ignored'
  | 'transaction.invalid'
  | 'transaction.method-ignored'
  | 'adhoc.invalid'
  | 'start.gatherings-dropped';

/**
 * Collects every problem of one deploy; compiling never stops at the first, so the author sees
 * the whole list at once.
 */
export class IssueCollector {
  readonly issues: DeployIssue[] = [];
  /** Problems that do not change how the process runs: reported, never blocking. */
  readonly warnings: DeployIssue[] = [];

  add(
    elementId: string | undefined,
    code: DeployIssueCode,
    message: string,
    position?: { line: number; column: number },
  ): void {
    this.issues.push({ ...(elementId === undefined ? {} : { elementId }), code, message, ...position });
  }

  /** Records something the engine ignores because it does not change execution; deploy goes on. */
  warn(elementId: string | undefined, code: DeployIssueCode, message: string): void {
    this.warnings.push({
      ...(elementId === undefined ? {} : { elementId }),
      code,
      message,
      severity: 'warning',
    });
  }

  /** Whether `elementId` already has a problem of `code` (so one cause is not reported twice). */
  has(elementId: string, code: DeployIssueCode): boolean {
    return this.issues.some((issue) => issue.elementId === elementId && issue.code === code);
  }

  /** Turns a raw attribute into an `Expr`, reporting a FEEL syntax error on `elementId` when it has one. */
  expr(elementId: string, what: string, raw: string): Expr {
    const expr = toExpr(raw);
    if (expr.feel) {
      const problem = feelSyntaxError(expr.source);
      if (problem) this.add(elementId, 'feel.syntax', `${what}: ${problem}`);
    }
    return expr;
  }

  /** Like `expr`, for optional attributes: blank means absent. */
  optionalExpr(elementId: string, what: string, raw: string | undefined): Expr | undefined {
    return raw === undefined || raw.trim() === '' ? undefined : this.expr(elementId, what, raw);
  }

  /** A condition or other position where the value is always FEEL, with or without the leading `=`. */
  feel(elementId: string, what: string, raw: string): Expr {
    const source = raw.trim().startsWith('=') ? raw.trim().slice(1).trim() : raw.trim();
    const problem = feelSyntaxError(source);
    if (problem) this.add(elementId, 'feel.syntax', `${what}: ${problem}`);
    return { feel: true, source };
  }
}
