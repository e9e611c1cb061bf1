import type { ProcessSpec } from '../bpmn/types.js';
import { conflictMediation } from './conflict-mediation.js';
import { goalCharter } from './goal-charter.js';
import { monthlyReview } from './monthly-review.js';
import { trainingCycle } from './training-cycle.js';
import { weeklySync } from './weekly-sync.js';
import { workRequest } from './work-request.js';

/** Every template's process spec, in gallery order (practices 1-5, then the FAQ). */
export const specs: readonly ProcessSpec[] = [
  goalCharter,
  weeklySync,
  trainingCycle,
  workRequest,
  monthlyReview,
  conflictMediation,
];
