import type { WorkingTime } from '../calendar/calendar.js';
import { NO_CALENDAR } from '../calendar/property.js';
import { ExpressionError } from '../errors.js';
import type { Element, ProcessModel } from '../model/types.js';
import type { StepContext } from './types.js';

/**
 * The working time an element counts in (docs/TEAMS.md, "Working hours"): its own `baton:calendar`,
 * else its process's; `none` or neither: wall-clock time. A calendar that does not exist (deleted
 * after deploy) stops the element with an incident, as a failing expression does, rather than
 * silently counting wall-clock time.
 */
export function workingTimeOf(
  ctx: StepContext,
  model: ProcessModel,
  element: Element,
): WorkingTime | undefined {
  const id = element.calendar ?? model.calendar;
  if (id === undefined || id === NO_CALENDAR) return undefined;
  const found = ctx.findCalendar?.(id);
  if (!found) throw new ExpressionError(`baton:calendar ${id}`, `there is no business calendar '${id}'`);
  return found;
}
