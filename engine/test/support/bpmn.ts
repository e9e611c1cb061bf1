/** Small BPMN builders for engine tests: Zeebe-flavoured XML without diagram layout. */

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="defs" targetNamespace="http://bpmn.io/schema/bpmn">`;

/** A BPMN file of processes plus root elements (messages, signals). */
export function bpmnFile(processes: readonly string[], roots = ''): string {
  return `${HEADER}\n${processes.join('\n')}\n${roots}\n</bpmn:definitions>`;
}

/** A process whose nodes are chained by sequence flows in the order given (ids from the tags). */
export function linearProcess(
  id: string,
  nodes: readonly string[],
  options: { name?: string; extra?: string } = {},
): string {
  const ids = nodes.map((node) => /id="([^"]+)"/.exec(node)?.[1] ?? '');
  const flows = ids
    .slice(1)
    .map(
      (target, i) => `<bpmn:sequenceFlow id="${id}-f${i + 1}" sourceRef="${ids[i]}" targetRef="${target}" />`,
    );
  return `<bpmn:process id="${id}" name="${options.name ?? id}" isExecutable="true">
  ${nodes.join('\n  ')}
  ${flows.join('\n  ')}
  ${options.extra ?? ''}
</bpmn:process>`;
}

export const startEvent = (id = 'start') => `<bpmn:startEvent id="${id}" />`;
export const endEvent = (id = 'end') => `<bpmn:endEvent id="${id}" />`;

export function userTask(
  id: string,
  options: {
    name?: string;
    assignee?: string;
    groups?: string;
    users?: string;
    formId?: string;
    due?: string;
  } = {},
): string {
  const assignment = [
    options.assignee ? `assignee="${options.assignee}"` : '',
    options.groups ? `candidateGroups="${options.groups}"` : '',
    options.users ? `candidateUsers="${options.users}"` : '',
  ].join(' ');
  return `<bpmn:userTask id="${id}" name="${options.name ?? id}">
    <bpmn:extensionElements>
      <zeebe:userTask />
      ${assignment.trim() ? `<zeebe:assignmentDefinition ${assignment} />` : ''}
      ${options.formId ? `<zeebe:formDefinition formId="${options.formId}" />` : ''}
      ${options.due ? `<zeebe:taskSchedule dueDate="${options.due}" />` : ''}
    </bpmn:extensionElements>
  </bpmn:userTask>`;
}

export const serviceTask = (id: string, type: string, retries = 3) =>
  `<bpmn:serviceTask id="${id}" name="${id}">
    <bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="${retries}" /></bpmn:extensionElements>
  </bpmn:serviceTask>`;

/**
 * A process that forks into `branches` service tasks of `jobType` (ids `s0`, `s1`, ...), joins
 * them, then runs the nodes `after` (chained) and ends.
 */
export function serviceFanOut(
  id: string,
  options: { readonly branches: number; readonly jobType: string; readonly after?: readonly string[] },
): string {
  const branches = Array.from({ length: options.branches }, (_, i) => `s${i}`);
  const tail = [...(options.after ?? []), endEvent()];
  const tailIds = tail.map((node) => /id="([^"]+)"/.exec(node)?.[1] ?? '');
  const chain = ['join', ...tailIds];
  return `<bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="fork" />
    ${branches.map((branch) => serviceTask(branch, options.jobType)).join('\n')}
    <bpmn:parallelGateway id="join" />
    ${tail.join('\n')}
    <bpmn:sequenceFlow id="f-start" sourceRef="start" targetRef="fork" />
    ${branches
      .map(
        (branch) => `<bpmn:sequenceFlow id="f-out-${branch}" sourceRef="fork" targetRef="${branch}" />
    <bpmn:sequenceFlow id="f-in-${branch}" sourceRef="${branch}" targetRef="join" />`,
      )
      .join('\n')}
    ${chain
      .slice(1)
      .map(
        (target, i) =>
          `<bpmn:sequenceFlow id="f-after-${i}" sourceRef="${chain[i]}" targetRef="${target}" />`,
      )
      .join('\n')}
  </bpmn:process>`;
}

export const timerCatch = (id: string, duration: string) =>
  `<bpmn:intermediateCatchEvent id="${id}">
    <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>`;

export const messageCatch = (id: string, messageRef: string) =>
  `<bpmn:intermediateCatchEvent id="${id}"><bpmn:messageEventDefinition messageRef="${messageRef}" /></bpmn:intermediateCatchEvent>`;

export const signalCatch = (id: string, signalRef: string) =>
  `<bpmn:intermediateCatchEvent id="${id}"><bpmn:signalEventDefinition signalRef="${signalRef}" /></bpmn:intermediateCatchEvent>`;

export const message = (id: string, name: string, correlationKey?: string) =>
  `<bpmn:message id="${id}" name="${name}">${
    correlationKey
      ? `<bpmn:extensionElements><zeebe:subscription correlationKey="${correlationKey}" /></bpmn:extensionElements>`
      : ''
  }</bpmn:message>`;

export const signal = (id: string, name: string) => `<bpmn:signal id="${id}" name="${name}" />`;

export const callActivity = (id: string, processId: string) =>
  `<bpmn:callActivity id="${id}">
    <bpmn:extensionElements><zeebe:calledElement processId="${processId}" propagateAllChildVariables="true" /></bpmn:extensionElements>
  </bpmn:callActivity>`;

/** The benchmark's and most tests' shape: start -> three sequential user tasks -> end. */
export const threeStepProcess = (id = 'three-steps', name = 'Three steps') =>
  bpmnFile([
    linearProcess(
      id,
      [
        startEvent(),
        userTask('draft', { name: 'Draft', assignee: 'ann' }),
        userTask('review', { name: 'Review', groups: 'leads' }),
        userTask('approve', { name: 'Approve', groups: 'managers', users: 'carl' }),
        endEvent(),
      ],
      { name },
    ),
  ]);
