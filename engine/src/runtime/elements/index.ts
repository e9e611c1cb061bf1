import { activityBehavior } from '../activity.js';
import type { BehaviorRegistry } from '../execution.js';
import { adHocSubProcess } from './ad-hoc-sub-process.js';
import { boundaryEvent } from './boundary-event.js';
import { runBusinessRuleTask } from './business-rule-task.js';
import { runCallActivity } from './call-activity.js';
import { withCompensation } from './compensation-events.js';
import { complexGateway } from './complex-gateway.js';
import { endEvent } from './end-event.js';
import { eventBasedGateway } from './event-based-gateway.js';
import { exclusiveGateway } from './exclusive-gateway.js';
import { inclusiveGateway } from './inclusive-gateway.js';
import { intermediateCatchEvent } from './intermediate-catch-event.js';
import { intermediateThrowEvent } from './intermediate-throw-event.js';
import { parallelGateway } from './parallel-gateway.js';
import { runPassThrough } from './pass-through.js';
import { runReceiveTask } from './receive-task.js';
import { runScriptTask } from './script-task.js';
import { runServiceTask } from './service-task.js';
import { startEvent } from './start-event.js';
import { runSubProcess } from './sub-process.js';
import { runUserTask } from './user-task.js';

/** Every element kind's behavior; exhaustive by type, so a new kind must get one here. */
export const BEHAVIORS: BehaviorRegistry = {
  'bpmn:StartEvent': startEvent,
  'bpmn:EndEvent': withCompensation(endEvent),
  'bpmn:IntermediateCatchEvent': intermediateCatchEvent,
  'bpmn:IntermediateThrowEvent': withCompensation(intermediateThrowEvent),
  'bpmn:BoundaryEvent': boundaryEvent,
  'bpmn:UserTask': activityBehavior(runUserTask),
  'bpmn:ServiceTask': activityBehavior(runServiceTask),
  'bpmn:SendTask': activityBehavior(runServiceTask),
  'bpmn:ReceiveTask': activityBehavior(runReceiveTask),
  'bpmn:ManualTask': activityBehavior(runPassThrough),
  'bpmn:Task': activityBehavior(runPassThrough),
  'bpmn:ScriptTask': activityBehavior(runScriptTask),
  'bpmn:BusinessRuleTask': activityBehavior(runBusinessRuleTask),
  'bpmn:SubProcess': activityBehavior(runSubProcess),
  'bpmn:CallActivity': activityBehavior(runCallActivity),
  'bpmn:ExclusiveGateway': exclusiveGateway,
  'bpmn:ParallelGateway': parallelGateway,
  'bpmn:InclusiveGateway': inclusiveGateway,
  'bpmn:EventBasedGateway': eventBasedGateway,
  'bpmn:ComplexGateway': complexGateway,
  'bpmn:AdHocSubProcess': adHocSubProcess,
};
