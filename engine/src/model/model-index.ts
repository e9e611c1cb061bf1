import type { Element, ProcessModel, SequenceFlow } from './types.js';

/** The flows leaving an element, in document order. */
export function flowsOut(model: ProcessModel, elementId: string): SequenceFlow[] {
  return flowList(model, model.elements[elementId]?.outgoing ?? []);
}

/** The flows entering an element, in document order. */
export function flowsIn(model: ProcessModel, elementId: string): SequenceFlow[] {
  return flowList(model, model.elements[elementId]?.incoming ?? []);
}

/** An element by id; throws when the model does not have it (a compiled model is self-consistent). */
export function elementOf(model: ProcessModel, elementId: string): Element {
  const element = model.elements[elementId];
  if (!element) throw new Error(`Process '${model.id}' has no element '${elementId}'`);
  return element;
}

/** The boundary events attached to an activity. */
export function boundaryEventsOf(model: ProcessModel, activityId: string): Element[] {
  const activity = model.elements[activityId];
  if (!activity || !('boundaryEventIds' in activity)) return [];
  return activity.boundaryEventIds.flatMap((id) => model.elements[id] ?? []);
}

function flowList(model: ProcessModel, ids: readonly string[]): SequenceFlow[] {
  return ids.flatMap((id) => model.flows[id] ?? []);
}
