import type { InstanceStatus, Variables } from '../runtime/types.js';
import type { MigrationMapping } from '../migration/plan.js';

/** What a batch does to each instance it selected. */
export const BATCH_KINDS = ['cancel', 'retry', 'migrate', 'variables'] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];

/** A batch's life: `running` items are picked up by executors; `paused` ones wait; the other two are final. */
export type BatchState = 'running' | 'paused' | 'cancelled' | 'completed';

/**
 * Which instances a batch takes on, fixed when it is created (the items are the instances matching
 * then; later instances are not added). Every field narrows; none at all matches every instance the
 * creator manages, within the kind's own condition (active instances; open incidents for `retry`).
 */
export interface BatchFilter {
  readonly processId?: string;
  /** A version number of `processId`. */
  readonly version?: number;
  readonly status?: InstanceStatus;
  /** Instances with a token at this element now. */
  readonly activeElementId?: string;
  /** Instances with an open incident whose message contains this text (any case). */
  readonly incidentError?: string;
  readonly startedAfter?: Date;
  readonly startedBefore?: Date;
  /** Exactly these instances (at most `MAX_BATCH_IDS`), still narrowed by the other fields. */
  readonly instanceIds?: readonly string[];
}

/** What each kind needs: `retry` the retries its jobs get, `migrate` the plan, `variables` the values. */
export interface BatchParameters {
  readonly retries?: number;
  readonly targetDefinitionId?: string;
  readonly mappings?: readonly MigrationMapping[];
  readonly reason?: string;
  readonly variables?: Variables;
}

export interface BatchRequest {
  readonly kind: BatchKind;
  readonly filter: BatchFilter;
  readonly parameters?: BatchParameters;
}

export interface Batch {
  readonly id: string;
  readonly kind: BatchKind;
  readonly filter: BatchFilter;
  readonly parameters: BatchParameters;
  readonly state: BatchState;
  /** Instances selected when the batch was created. */
  readonly total: number;
  /** Items processed without error. */
  readonly done: number;
  /** Items whose command was refused or failed; each with its reason (see `BatchDetail`). */
  readonly failed: number;
  /** Processes the items belong to: who manages all of them may pause, resume and cancel it. */
  readonly processIds: readonly string[];
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly endedAt: Date | null;
}

export interface BatchFailure {
  readonly instanceId: string;
  readonly code: string;
  readonly message: string;
  readonly at: Date;
}

export interface BatchDetail extends Batch {
  readonly failures: readonly BatchFailure[];
}

/** What a batch would take on: how many instances match (up to the cap) and a few of them. */
export interface BatchDryRun {
  readonly dryRun: true;
  readonly matched: number;
  /** More instances match than one batch takes (`MAX_BATCH_ITEMS`): narrow the filter. */
  readonly overLimit: boolean;
  readonly sample: readonly { readonly id: string; readonly processId: string; readonly startedAt: Date }[];
}
