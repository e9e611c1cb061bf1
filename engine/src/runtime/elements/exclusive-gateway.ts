import { evaluateCondition } from '../../expressions/feel.js';
import type { GatewayElement } from '../../model/types.js';
import { raiseIncident } from '../flow.js';
import { visibleVariables } from '../variables.js';
import type { ElementBehavior } from '../execution.js';
import { passGateway } from './gateway.js';

/** Exclusive gateway: the first flow (in model order) whose condition holds, else the default, else an incident. */
export const exclusiveGateway: ElementBehavior<GatewayElement> = {
  enter(exec, token, element) {
    if (element.outgoing.length <= 1) {
      passGateway(exec, token, element, element.outgoing);
      return;
    }
    const variables = visibleVariables(exec, token.scopeId);
    let chosen: string | undefined;
    for (const flowId of element.outgoing) {
      if (flowId === element.defaultFlowId) continue;
      const condition = exec.index.flow(flowId).condition;
      if (!condition || evaluateCondition(condition, variables, { now: exec.now })) {
        chosen = flowId;
        break;
      }
    }
    chosen ??= element.defaultFlowId;
    if (!chosen) {
      raiseIncident(
        exec,
        token,
        'condition',
        `No condition of exclusive gateway '${element.id}' holds and there is no default flow`,
      );
      return;
    }
    passGateway(exec, token, element, [chosen]);
  },
};
