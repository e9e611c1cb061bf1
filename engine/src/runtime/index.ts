/**
 * The deterministic runtime: `step(model, state, command, ctx) -> { state, effects }`.
 *
 * ## State shape (`InstanceState`, persisted as JSON on the instance row)
 * ```
 * status                 active | completed | terminated | cancelled
 * scopes[]               variable scopes, a tree by parentScopeId:
 *   root                 elementId = process id, parentScopeId = null
 *   activity scope       owned by the token at an activity (ownerTokenId): io-mapping inputs;
 *                        for (event) subprocesses also the flow scope their inner tokens live in
 *   multi-instance body  owned by the token at a multi-instance activity; `multiInstance` holds
 *                        items, next index, active/completed counts and collected outputs;
 *                        each iteration is a token in the body with its own iteration scope
 *                        (loopCounter, input element)
 *   listeners[]          on flow scopes: jobs/subscriptions of event subprocess starts (one
 *                        per definition of a multiple start; a parallel multiple one keeps
 *                        those that happened as `fired` entries until the last one does)
 * tokens[]               only tokens that WAIT (moving tokens exist only inside one step)
 *   elementId, scopeId   where it is parked and the flow scope it belongs to
 *   wait                 what it waits for: userTask | job | timer | message | signal |
 *                        eventGateway | anyEvent (a multiple catch event) | condition (a
 *                        conditional catch event; see conditions.ts) | childInstance |
 *                        scope | join (a complex gateway waiting for reset: `resetAfter`) |
 *                        incident (`retry`: run again, resume completion, or leave again) |
 *                        listener (an execution or task listener's job: `listener.ts`;
 *                        the process's end listeners: a token at the element that ended last)
 *   boundary[]           boundary-event, event-gateway target or multiple-event jobs and
 *                        subscriptions (`definition`: which event of a multiple event;
 *                        `signalName`: the name a signal subscription listens for)
 *   arrivedBy            the flow it came in by (joins count arrivals per flow)
 * completedElementIds    elements completed at least once, in order (the path taken)
 * takenFlowIds           flows taken at least once
 * parentInstanceId       set when a call activity started this instance
 * compensations[]        optional: completions a compensation throw may still compensate
 *                        (activity, flow scope, a subprocess's inner scope, handler variables);
 *                        a throw waits in a compensation scope owned by its token (compensation.ts)
 * ```
 *
 * ## Token lifecycle (inside one step)
 * ```
 *            arrive (flow.taken)                   behavior decides
 *  [moving] ───────────────────▶ element.entered ─────────────────────┐
 *     ▲                                                                │
 *     │ leave: outgoing flows                      wait: task, job, timer, message,
 *     │ (conditions / default;                     signal, child, scope, join, gateway
 *     │  several = fork)                                               │
 *     │                                                                ▼
 *  element.completed ◀── complete: outputs/propagation ◀── [waiting] ── command
 *     │                                                   │  (task.complete, job.complete,
 *     ▼ no outgoing flow                                  │   timer.fire, message.correlate...)
 *  consumed ── last in scope ──▶ scope completes          │
 *               (root: instance.completed;                ├─ interrupted (boundary, terminate,
 *                subprocess: its token completes)         │  event subprocess, cancel):
 *                                                         │  element.terminated, all cancelled
 *                                                         └─ failure: incident (wait=incident);
 *                                                            incident.retry runs it again
 * ```
 * Instance: `active` ─▶ `completed` (root scope empty) | `terminated` (terminate end event)
 * | `cancelled` (instance.cancel). Only active instances accept commands. A process with end
 * listeners stays `active` until their jobs are done, after the root scope ran out of tokens or a
 * terminate end event (`flow.ts`).
 *
 * ## Modules, one way only
 * `step` is the composition root: it hands the behavior registry (`elements/index.ts`) to the
 * `Execution`, as diagram-js injects services. `flow.ts` moves tokens and reaches elements only
 * through that registry (`enter`, `retry`, `scopeCompleted`, `settle`), so behaviors depend on the
 * flow and never the reverse. `test/import-cycles.test.ts` fails on any import cycle in the engine.
 *
 * ## Contract with the shell
 * - Effects are applied in order, in the same transaction as the new state.
 * - The job a command reports on (`job.*`, `timer.fire`) is finished by the shell; the runtime
 *   emits `job.cancel` only for other jobs. Subscriptions stay open until an unsubscribe effect,
 *   including the one just correlated (non-interrupting boundaries keep theirs).
 * - Event subprocess listeners carry their scope id as `tokenId` in subscribe/job effects.
 * - `job.incident`: the runtime creates a fresh job when the incident is retried.
 */
export { step } from './step.js';
export type {
  Command,
  Effect,
  HistoryRecord,
  HistoryType,
  InstanceState,
  InstanceStatus,
  NewJob,
  NewUserTask,
  Scope,
  StepContext,
  StepResult,
  Token,
  TokenWait,
  TriggerEntry,
  Variables,
} from './types.js';
