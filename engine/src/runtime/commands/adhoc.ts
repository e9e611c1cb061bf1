import { InvalidArgumentError } from '../../errors.js';
import { activateInner, MAX_ADHOC_ACTIVATIONS, unknownElementIds } from '../adhoc.js';
import type { Execution } from '../execution.js';
import { isActivity } from '../model-index.js';
import type { Command, Scope } from '../types.js';
import { setLocalVariables } from '../variables.js';

/**
 * `adhoc.activate` (Zeebe's "activate activities within an ad-hoc subprocess"): starts the given
 * inner elements in a running ad-hoc subprocess, after setting `variables` in its scope. The
 * subprocess is named by its element id (it must have exactly one active instance) or by the id of
 * its token (the element instance). Refused, changing nothing, when it is not running or an id is
 * not one of its inner elements; the message names the ids.
 */
export function activateAdHoc(exec: Execution, command: Extract<Command, { type: 'adhoc.activate' }>): void {
  if (command.elementIds.length === 0)
    throw new InvalidArgumentError('Name at least one element to activate');
  if (command.elementIds.length > MAX_ADHOC_ACTIVATIONS)
    throw new InvalidArgumentError(`At most ${MAX_ADHOC_ACTIVATIONS} elements start in one activation`);
  const scope = runningScope(exec, command.adHocSubProcess);
  const element = exec.element(scope.elementId);
  if (!isActivity(element)) throw new Error(`'${element.id}' is not an activity`);
  const unknown = unknownElementIds(element, command.elementIds);
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `${unknown.map((id) => `'${id}'`).join(', ')} ${unknown.length === 1 ? 'is not an inner element' : 'are not inner elements'} of ad-hoc subprocess '${element.id}'`,
    );
  if (command.variables && Object.keys(command.variables).length > 0)
    setLocalVariables(exec, scope.id, command.variables, element.id);
  activateInner(exec, scope.id, command.elementIds);
  exec.history('instance.modified', {
    elementId: element.id,
    data: { adHocActivated: [...command.elementIds] },
  });
}

/** The scope of the running ad-hoc subprocess named by element id or token id. */
function runningScope(exec: Execution, ref: string): Scope {
  const running = [...exec.scopes.values()].filter((scope) => {
    if (scope.ownerTokenId === undefined || scope.multiInstance) return false;
    const owner = exec.token(scope.ownerTokenId);
    if (owner?.wait?.kind !== 'scope' || owner.wait.scopeId !== scope.id) return false;
    if (exec.index.model.elements[scope.elementId]?.kind !== 'bpmn:AdHocSubProcess') return false;
    return scope.elementId === ref || owner.id === ref;
  });
  const [only] = running;
  if (!only) {
    const element = exec.index.model.elements[ref];
    throw new InvalidArgumentError(
      element && element.kind !== 'bpmn:AdHocSubProcess'
        ? `'${ref}' is not an ad-hoc subprocess`
        : `Ad-hoc subprocess '${ref}' is not running in this instance`,
    );
  }
  if (running.length > 1)
    throw new InvalidArgumentError(
      `Ad-hoc subprocess '${ref}' runs ${running.length} times in this instance; name one by its element instance id`,
    );
  return only;
}
