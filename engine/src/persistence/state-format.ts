import { EngineError } from '../errors.js';
import { CURRENT_STATE_FORMAT, type InstanceState } from '../runtime/types.js';

/**
 * Persisted instance state (`instances.state`) carries its format: `format: 2` since the field
 * was introduced; a state without one was written before and is format 1. Every read of a state
 * goes through `readState`, which upgrades an older format step by step to the current one, so
 * the runtime only ever sees the current shape; the next write stores it in that shape. A state
 * from a newer engine (a rollback of the software) is refused rather than misread.
 *
 * Format 1 -> 2: the same scopes and tokens; `format` is added, and the path lists
 * (`completedElementIds`, `takenFlowIds`), which the very first states lacked, default to empty.
 *
 * @example
 * const state = readState(row.state); // state.format === 2
 */
export function readState(raw: unknown, instanceId = '?'): InstanceState {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new StateFormatError(instanceId, 'is not an object');
  let state = raw as Record<string, unknown>;
  const format = state.format ?? 1;
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1)
    throw new StateFormatError(instanceId, `has the format '${String(format)}'`);
  if (format > CURRENT_STATE_FORMAT)
    throw new StateFormatError(
      instanceId,
      `has format ${format}, written by a newer engine (this one reads up to ${CURRENT_STATE_FORMAT})`,
    );
  for (let from = format; from < CURRENT_STATE_FORMAT; from++) {
    const upgrade = UPGRADES[from];
    if (!upgrade) throw new StateFormatError(instanceId, `has format ${from}, which no upgrade reads`);
    state = upgrade(state);
  }
  if (!Array.isArray(state.scopes) || !Array.isArray(state.tokens) || typeof state.status !== 'string')
    throw new StateFormatError(instanceId, 'lacks its scopes, tokens or status');
  return state as unknown as InstanceState;
}

/** Upgrades from format `n` to `n + 1`, keyed by `n`. Pure: a new object, the input untouched. */
const UPGRADES: Record<number, (state: Record<string, unknown>) => Record<string, unknown>> = {
  1: (state) => ({
    ...state,
    completedElementIds: Array.isArray(state.completedElementIds) ? state.completedElementIds : [],
    takenFlowIds: Array.isArray(state.takenFlowIds) ? state.takenFlowIds : [],
    format: 2,
  }),
};

/** A stored state the engine cannot read: damaged, or written by a newer engine. */
export class StateFormatError extends EngineError {
  constructor(
    readonly instanceId: string,
    problem: string,
  ) {
    super('STATE_FORMAT_UNSUPPORTED', `The stored state of instance ${instanceId} ${problem}`);
  }
}
