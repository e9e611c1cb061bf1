import type { WorkingTime } from '../calendar/calendar.js';
import { NO_CALENDAR } from '../calendar/property.js';
import { ExpressionError } from '../errors.js';
import type { Element, ProcessModel } from '../model/types.js';
import type { StepContext } from './types.js';

/**
 * The working time an element counts in (docs/TEAMS.md, "Working hours"): its own `baton:calendar`,
 * else its process's, else (a user task) the calendar of its first candidate group that has one;
 * `none` or none of these: wall-clock time. A calendar that does not exist (deleted
 * after deploy) stops the element with an incident, as a failing expression does, rather than
 * silently counting wall-clock time.
 */
export function workingTimeOf(
  ctx: StepContext,
  model: ProcessModel,
  element: Element,
  candidateGroups: readonly string[] = [],
): WorkingTime | undefined {
  let id = element.calendar ?? model.calendar;
  for (const group of candidateGroups) {
    if (id !== undefined) break;
    id = ctx.findGroupCalendar?.(group);
  }
  if (id === undefined || id === NO_CALENDAR) return undefined;
  const found = ctx.findCalendar?.(id);
  if (!found) throw new ExpressionError(`baton:calendar ${id}`, `there is no business calendar '${id}'`);
  return found;
}
