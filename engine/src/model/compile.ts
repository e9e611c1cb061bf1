import { compileProcess } from './compile-process.js';
import { IssueCollector } from './issues.js';
import { children, parseBpmn } from './moddle.js';
import type { DeployIssue, ProcessModel } from './types.js';
import { checkUnsupportedExtensions, declaredNamespaces } from './zeebe-extensions.js';

/** Top-level definitions that processes use by reference, and whose extensions are checked too. */
const SHARED_DEFINITIONS: ReadonlySet<string> = new Set([
  'bpmn:Message',
  'bpmn:Signal',
  'bpmn:Error',
  'bpmn:Escalation',
]);

/** The outcome of compiling one BPMN file: a model per executable process and every problem found. */
export interface CompileResult {
  readonly processes: readonly ProcessModel[];
  /** Empty when the file is deployable; otherwise every problem, with element ids where known. */
  readonly issues: readonly DeployIssue[];
  /**
   * What the engine ignores because it does not change execution (severity `'warning'`); never
   * blocks deploy, so it is kept apart from `issues`.
   */
  readonly warnings: readonly DeployIssue[];
}

/**
 * Parses, validates and compiles every executable process of a BPMN 2.0 file (with Zeebe
 * extensions, as Camunda Modeler writes it in Camunda 8 mode). A collaboration's pools are just
 * their processes: each executable one is compiled. Never throws on bad input: the caller decides
 * (deploy throws `DefinitionInvalidError(issues)` when `issues` is not empty). `processes` holds
 * what could be compiled even when there are issues, and must not be run then.
 *
 * @example
 * const { processes, issues } = await compileBpmn(xml);
 * if (issues.length > 0) throw new DefinitionInvalidError(issues);
 */
export async function compileBpmn(xml: string): Promise<CompileResult> {
  const issues = new IssueCollector();
  try {
    return await compileInto(xml, issues);
  } catch (error) {
    // Bad input must never crash the caller: whatever slipped through becomes one more issue.
    issues.add(undefined, 'xml.invalid', `the file could not be compiled: ${(error as Error).message}`);
    return { processes: [], issues: issues.issues, warnings: issues.warnings };
  }
}

async function compileInto(xml: string, issues: IssueCollector): Promise<CompileResult> {
  const definitions = await parseBpmn(xml, issues);
  if (!definitions) return { processes: [], issues: issues.issues, warnings: issues.warnings };
  const namespaces = declaredNamespaces(definitions);
  const executable = children(definitions, 'rootElements').filter(
    (root) => root.$type === 'bpmn:Process' && root.isExecutable === true,
  );
  if (executable.length === 0) {
    issues.add(
      undefined,
      'process.none-executable',
      'the file has no executable process (isExecutable="true")',
    );
  }
  const processes = executable.map((process) => compileProcess(process, issues, namespaces));
  for (const root of children(definitions, 'rootElements')) {
    if (SHARED_DEFINITIONS.has(root.$type)) checkUnsupportedExtensions(root, namespaces, issues);
  }
  return { processes, issues: issues.issues, warnings: issues.warnings };
}
