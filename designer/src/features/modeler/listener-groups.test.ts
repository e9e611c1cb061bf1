import { describe, expect, it } from 'vitest';
import {
  executionListenerEvents,
  type Group,
  type PanelElement,
  restrictListenerGroups,
  TASK_LISTENER_EVENTS,
} from './listener-groups.js';
import { MODELER_ZH, translatorFor } from './modeler-zh.js';

const element = ($type: string, extra: Partial<PanelElement['businessObject']> = {}): PanelElement => ({
  type: $type,
  businessObject: { $type, ...extra },
});

/** A list group as the Zeebe provider makes it: one item per listener, each with an event type select. */
const listGroup = (id: string, eventTypes: string[], count = 1): Group => ({
  id,
  items: Array.from({ length: count }, (_, i) => ({
    id: `l${i}`,
    label: `listener ${i}`,
    entries: [{ id: `l${i}-eventType`, eventTypes }, { id: `l${i}-listenerType` }],
  })),
  add: () => {},
});

const eventTypesOf = (group: Group | undefined) =>
  group?.items?.map((item) => item.entries?.find((e) => e.id.endsWith('-eventType'))?.eventTypes);

describe('listener groups of the properties panel', () => {
  it('offers the execution listener events the engine runs on each kind of element', () => {
    expect(executionListenerEvents(element('bpmn:UserTask'))).toEqual(['start', 'end']);
    expect(executionListenerEvents(element('bpmn:StartEvent'))).toEqual(['end']);
    expect(executionListenerEvents(element('bpmn:BoundaryEvent'))).toEqual(['end']);
    expect(executionListenerEvents(element('bpmn:ExclusiveGateway'))).toEqual(['start']);
    expect(
      executionListenerEvents(
        element('bpmn:EndEvent', { eventDefinitions: [{ $type: 'bpmn:ErrorEventDefinition' }] }),
      ),
    ).toEqual(['start']);
    expect(
      executionListenerEvents(
        element('bpmn:EndEvent', { eventDefinitions: [{ $type: 'bpmn:TerminateEventDefinition' }] }),
      ),
    ).toEqual(['start']);
    expect(executionListenerEvents(element('bpmn:Process'))).toEqual(['start', 'end']);
    expect(executionListenerEvents(element('bpmn:Participant'))).toEqual(['start', 'end']);
  });

  it('offers start and end listeners on a process, the ones the engine runs there', () => {
    const groups = [{ id: 'general' }, listGroup('Zeebe__ExecutionListeners', ['start', 'end', 'cancel'])];
    const restricted = restrictListenerGroups(element('bpmn:Process'), groups);
    expect(restricted.map((g) => g.id)).toEqual(['general', 'Zeebe__ExecutionListeners']);
    expect(eventTypesOf(restricted[1])).toEqual([['start', 'end']]);
  });

  it("replaces a multi-instance task's beforeAll with the start and end the engine runs per instance", () => {
    const groups = [listGroup('Zeebe__ExecutionListeners', ['beforeAll', 'start', 'end'], 2)];
    const [restricted] = restrictListenerGroups(element('bpmn:ServiceTask'), groups);
    expect(eventTypesOf(restricted)).toEqual([
      ['start', 'end'],
      ['start', 'end'],
    ]);
  });

  it('offers creating, assigning, updating and completing task listeners only', () => {
    const groups = [
      listGroup('Zeebe__TaskListeners', ['creating', 'assigning', 'updating', 'completing', 'canceling']),
    ];
    const [restricted] = restrictListenerGroups(element('bpmn:UserTask'), groups);
    expect(eventTypesOf(restricted)).toEqual([TASK_LISTENER_EVENTS]);
    expect(TASK_LISTENER_EVENTS).toEqual(['creating', 'assigning', 'updating', 'completing']);
  });

  it('gives a listener the panel adds with an event the engine does not run the first one it runs', () => {
    // given a multi-instance task whose panel adds listeners as beforeAll
    const listeners: { eventType: string }[] = [];
    const task = element('bpmn:ServiceTask', {
      extensionElements: { values: [{ $type: 'zeebe:ExecutionListeners', listeners }] },
    });
    const group: Group = {
      ...listGroup('Zeebe__ExecutionListeners', ['beforeAll', 'start', 'end']),
      add: () => listeners.push({ eventType: 'beforeAll' }),
    };
    const updates: unknown[] = [];
    const modeling = {
      updateModdleProperties: (_: unknown, target: unknown, properties: Record<string, unknown>) => {
        Object.assign(target as object, properties);
        updates.push(properties);
      },
    };
    // when
    restrictListenerGroups(task, [group], modeling)[0]?.add?.({});
    // then
    expect(listeners).toEqual([{ eventType: 'start' }]);
    expect(updates).toEqual([{ eventType: 'start' }]);
  });

  it('labels task listeners in Chinese in the Chinese modeler', () => {
    const task = element('bpmn:UserTask', {
      extensionElements: {
        values: [{ $type: 'zeebe:TaskListeners', listeners: [{ eventType: 'completing', type: 'audit' }] }],
      },
    });
    const groups = [listGroup('Zeebe__TaskListeners', ['creating', 'completing'])];
    const [restricted] = restrictListenerGroups(task, groups, undefined, translatorFor(MODELER_ZH));
    expect(restricted?.items?.[0]?.label).toBe('完成时：audit');
    const translate = translatorFor(MODELER_ZH);
    expect(
      ['Execution listeners', 'Task listeners', 'Event type', 'Start', 'End', 'Creating', 'Updating'].map(
        (s) => translate(s),
      ),
    ).toEqual(['执行监听器', '任务监听器', '事件类型', '开始', '结束', '创建时', '更新时']);
  });
});
