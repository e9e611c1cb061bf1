import {
  duration,
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelTime,
  parseDate,
  parseDateTime,
  parseTime,
} from 'feelin';
import type { JsonValue } from '../runtime/types.js';

/**
 * The DMN data types a `typeRef` may name (Camunda 8's list: DMN's names and FEEL's long
 * names, with or without the `feel:` prefix), each to the FEEL type its values convert to.
 */
export type FeelType =
  | 'number'
  | 'string'
  | 'boolean'
  | 'date'
  | 'time'
  | 'dateTime'
  | 'dayTimeDuration'
  | 'yearMonthDuration'
  | 'Any';

const TYPE_NAMES: Readonly<Record<string, FeelType>> = {
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  date: 'date',
  time: 'time',
  dateTime: 'dateTime',
  'date and time': 'dateTime',
  dayTimeDuration: 'dayTimeDuration',
  'days and time duration': 'dayTimeDuration',
  yearMonthDuration: 'yearMonthDuration',
  'years and months duration': 'yearMonthDuration',
  Any: 'Any',
  any: 'Any',
};

/** The names a `typeRef` may take, for deploy messages. */
export const TYPE_REF_NAMES = Object.keys(TYPE_NAMES).filter((name) => name !== 'any');

/**
 * A `typeRef` attribute -> its FEEL type; undefined when there is none (or it is empty), null
 * when it names no type this engine knows (a deploy problem on the element).
 */
export function parseTypeRef(raw: string | undefined): FeelType | undefined | null {
  const name = raw?.trim().replace(/^feel:/, '');
  if (!name) return undefined;
  return TYPE_NAMES[name] ?? null;
}

/** A value could not be converted to the type its `typeRef` names. */
export class TypeRefError extends Error {}

const describe = (value: unknown): string =>
  Array.isArray(value)
    ? 'a list'
    : typeof value === 'object'
      ? 'a context'
      : `${typeof value} ${JSON.stringify(value)}`;

/**
 * Converts a (JSON) value to the FEEL value of `type`: ISO 8601 strings to FEEL dates, times,
 * date-times and durations (so unary tests like `> date("2026-01-01")` compare them as such),
 * numeric strings to numbers, `"true"` / `"false"` to booleans. null stays null (FEEL's null
 * matches `-` and `null` tests). Throws `TypeRefError` when the value does not convert.
 *
 * `string` takes any value unchanged: Camunda Modeler writes `typeRef="string"` on every new
 * column, and Zeebe does not check input types, so a table written for numbers, lists or
 * contexts under the default keeps working as it does in Zeebe.
 */
export function toFeelType(value: unknown, type: FeelType): unknown {
  if (value === null || value === undefined) return null;
  const fail = (what: string): never => {
    throw new TypeRefError(`cannot convert ${describe(value)} to ${what}`);
  };
  switch (type) {
    case 'Any':
      return value;
    case 'string':
      return value;
    case 'number':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value))
        return Number(value);
      return fail('a number');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail('a boolean');
    case 'date':
      if (value instanceof FeelDate) return value;
      return (typeof value === 'string' && parseDate(value.trim())) || fail('a date (YYYY-MM-DD)');
    case 'time':
      if (value instanceof FeelTime) return value;
      return (typeof value === 'string' && parseTime(value.trim())) || fail('a time (hh:mm:ss)');
    case 'dateTime':
      if (value instanceof FeelDateTime) return value;
      return (
        (typeof value === 'string' && parseDateTime(value.trim())) ||
        fail('a date and time (YYYY-MM-DDThh:mm:ss, with an optional zone)')
      );
    case 'dayTimeDuration':
    case 'yearMonthDuration': {
      const yearsMonths = type === 'yearMonthDuration';
      const what = yearsMonths ? 'a years and months duration (P1Y2M)' : 'a days and time duration (P1DT2H)';
      const parsed =
        value instanceof FeelDuration ? value : typeof value === 'string' ? duration(value.trim()) : null;
      if (!parsed) return fail(what);
      // feelin marks a duration with years or months as years-and-months even when it also has
      // days (`P1Y2D`), which is neither kind in FEEL.
      const kindMatches = yearsMonths ? /^-?P[^DT]*$/.test(parsed.iso) : !parsed.yearsMonths;
      return kindMatches ? parsed : fail(what);
    }
  }
}

/** FEEL values as variables hold them: temporal values become their ISO 8601 strings. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === undefined || typeof value === 'function') return null;
  if (value === null || typeof value !== 'object') return value as JsonValue;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Whether a value is one of feelin's temporal values (which only in-process FEEL understands). */
export function isFeelTemporal(value: unknown): boolean {
  return (
    value instanceof FeelDate ||
    value instanceof FeelTime ||
    value instanceof FeelDateTime ||
    value instanceof FeelDuration
  );
}
