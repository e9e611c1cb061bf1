import { v7 } from 'uuid';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a row, and must not reach SQL as a cast error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A new id for a row the engine writes at every step (instances, tokens, tasks, jobs): a version 7
 * UUID, whose first 48 bits are the time, so rows made together sit together in every index keyed
 * by them. Random (version 4) ids put each insert at a random place: B-tree pages split in half
 * and stayed about two thirds full (history's key index, `docs/BENCHMARKS.md` › Bytes written per step).
 */
export function newId(): string {
  return v7();
}
