import type { IssueCollector } from '../model/issues.js';
import { attr, children, extension, type ModdleNode } from '../model/moddle.js';
import type { Element } from '../model/types.js';
import { CALENDAR_ID_PATTERN } from './calendar.js';

/**
 * The `zeebe:properties` entry that makes an element count working time (docs/TEAMS.md, "Working
 * hours"). Camunda Modeler writes it under *Extension properties*, on any element and on the
 * process; Zeebe keeps it as metadata, so the file still runs there (counting wall-clock time).
 */
export const CALENDAR_PROPERTY = 'baton:calendar';

/** The property's value that turns a process's calendar off for one element. */
export const NO_CALENDAR = 'none';

/** The value of `baton:calendar` on an element or process, checked; undefined when absent. */
export function readCalendarProperty(node: ModdleNode, issues: IssueCollector): string | undefined {
  const properties = children(extension(node, 'zeebe:Properties'), 'properties');
  const entry = properties.find((property) => attr(property, 'name') === CALENDAR_PROPERTY);
  if (!entry) return undefined;
  const value = attr(entry, 'value')?.trim() ?? '';
  if (value !== NO_CALENDAR && !CALENDAR_ID_PATTERN.test(value)) {
    issues.add(
      node.id,
      'calendar.invalid',
      `${CALENDAR_PROPERTY} '${value}' is not a calendar id (lower-case letters, digits, - or _) or '${NO_CALENDAR}'`,
    );
    return undefined;
  }
  return value;
}

/**
 * Attaches an element's `baton:calendar` to it. Only user tasks (due and follow-up dates) and
 * timer events with a duration count working time; anywhere else the property would change
 * nothing, so it is a deploy error rather than silently ignored.
 */
export function withCalendar(element: Element, node: ModdleNode, issues: IssueCollector): Element {
  const calendar = readCalendarProperty(node, issues);
  if (calendar === undefined) return element;
  if (element.kind === 'bpmn:UserTask') return { ...element, calendar };
  if (element.kind === 'bpmn:BoundaryEvent' || element.kind === 'bpmn:IntermediateCatchEvent') {
    const events = 'multiple' in element && element.multiple ? element.multiple : [element.event];
    const timers = events.filter((event) => event.kind === 'timer');
    if (timers.length > 0 && timers.every((event) => event.timer.type === 'duration'))
      return { ...element, calendar };
    if (timers.length > 0) {
      issues.add(
        element.id,
        'calendar.unsupported',
        `${CALENDAR_PROPERTY} counts working time for timer durations only; a timer date or cycle is wall-clock time`,
      );
      return element;
    }
  }
  issues.add(
    element.id,
    'calendar.unsupported',
    `${CALENDAR_PROPERTY} applies to user tasks and timer durations only`,
  );
  return element;
}
