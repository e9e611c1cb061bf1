import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a row, and must not reach SQL as a cast error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Random bytes for ids, drawn from the system's generator 4 KiB at a time: one draw per id (16
 * bytes) was the engine's costliest call after the database's in a profile of a step.
 */
const random = { pool: Buffer.alloc(4096), used: 4096 };

function randomBytes16(): Uint8Array {
  if (random.used + 16 > random.pool.length) {
    randomFillSync(random.pool);
    random.used = 0;
  }
  const bytes = random.pool.subarray(random.used, random.used + 16);
  random.used += 16;
  return bytes;
}

/** The last id's time and counter: ids made in one millisecond still come in order. */
const clock = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };

/**
 * A new id for a row the engine writes at every step (instances, tokens, tasks, jobs): a version 7
 * UUID, whose first 48 bits are the time, so rows made together sit together in every index keyed
 * by them. Random (version 4) ids put each insert at a random place: B-tree pages split in half
 * and stayed about two thirds full (history's key index, `docs/BENCHMARKS.md` › Bytes written per step).
 * Within one millisecond a counter (seeded at random, as the uuid library seeds it) orders them.
 */
export function newId(): string {
  const bytes = randomBytes16();
  const now = Date.now();
  if (now > clock.msecs) {
    clock.msecs = now;
    clock.seq = ((bytes[6]! & 0x7f) << 24) | (bytes[7]! << 16) | (bytes[8]! << 8) | bytes[9]!;
  } else {
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs++;
  }
  return v7({ random: bytes, msecs: clock.msecs, seq: clock.seq });
}
