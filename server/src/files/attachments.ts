import type { FieldError } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';

/**
 * The file side of one form submission: who submits, and (for a task) the instance the files go
 * to. `check` refuses references to files the submitter may not hand in; for a task it also
 * attaches them at once (before the completion is written), for a start `attachTo` does it once
 * the instance exists. See docs/TEAMS.md ("Files") for the consistency rule.
 */
export interface FileSubmission {
  readonly submitter: string;
  /** The task being completed (its instance receives the files), or undefined for a start. */
  readonly taskId?: string;
  /** The ids `check` accepted, for `attachTo`. */
  readonly accepted: string[];
}

/** A submission by `submitter`, for a task or (without `taskId`) an instance start. */
export function fileSubmission(submitter: string, taskId?: string): FileSubmission {
  return { submitter, ...(taskId ? { taskId } : {}), accepted: [] };
}

/**
 * Checks each referenced file: it exists and is either the submitter's own unattached, unexpired
 * upload, or already attached to the task's instance. Answers field errors (empty when all is
 * well); for a task, attaches the submitter's uploads to its instance.
 */
export async function checkFileReferences(
  app: FastifyInstance,
  submission: FileSubmission,
  refs: readonly { pointer: string; id: string }[],
): Promise<FieldError[]> {
  if (refs.length === 0) return [];
  const instanceId = submission.taskId ? (await app.engine.getTask(submission.taskId)).instanceId : null;
  const now = app.engine.clock.now();
  const notBefore = new Date(now.getTime() - app.fileSettings.expiryMs);
  const found = new Map((await app.files.getMany(refs.map((r) => r.id))).map((f) => [f.id, f]));
  const errors: FieldError[] = [];
  const mine: string[] = [];
  for (const ref of refs) {
    const file = found.get(ref.id);
    const usable =
      file !== undefined &&
      (file.instanceId === null
        ? file.uploadedBy === submission.submitter && file.createdAt >= notBefore
        : instanceId !== null && file.instanceId === instanceId);
    if (!usable)
      errors.push({ pointer: ref.pointer, message: 'No such file was uploaded by you (or it expired)' });
    else if (file.instanceId === null) mine.push(ref.id);
  }
  if (errors.length > 0) return errors;
  submission.accepted.push(...new Set(mine));
  if (instanceId !== null) {
    const lost = await attachTo(app, submission, instanceId);
    return lost.map((id) => ({
      pointer: refs.find((r) => r.id === id)?.pointer ?? '',
      message: 'This file was just attached elsewhere',
    }));
  }
  return [];
}

/** Attaches the accepted uploads to the instance; answers the ids another submission took first. */
export async function attachTo(
  app: FastifyInstance,
  submission: FileSubmission,
  instanceId: string,
): Promise<string[]> {
  if (submission.accepted.length === 0) return [];
  const now = app.engine.clock.now();
  const attached = new Set(
    await app.files.attach(
      submission.accepted,
      instanceId,
      submission.submitter,
      new Date(now.getTime() - app.fileSettings.expiryMs),
      now,
    ),
  );
  return submission.accepted.filter((id) => !attached.has(id));
}
