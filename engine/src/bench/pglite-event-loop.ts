import fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openDatabase } from '../database.js';

/**
 * How long PGlite's writes keep the event loop from running anything else (a `/health` request,
 * a timer): PGlite is PostgreSQL compiled to WASM, and its file I/O is synchronous `fs` calls
 * made from inside the WASM call, so while a statement writes, the whole process waits.
 *
 * A burst of single-row inserts (each its own commit) on a data directory in the temp dir, with
 * `monitorEventLoopDelay` running. BATON_SLOW_FS_MS simulates a slow disk: every synchronous
 * write and fsync sleeps that long (Atomics.wait, which blocks exactly as a slow disk does).
 *
 *   node engine/dist/bench/pglite-event-loop.js
 *   BATON_YIELD=1 node engine/dist/bench/pglite-event-loop.js
 *   BATON_SLOW_FS_MS=200 BATON_WRITES=10 node engine/dist/bench/pglite-event-loop.js
 */
const WRITES = Number(process.env.BATON_WRITES ?? 500);
const SLOW_FS_MS = Number(process.env.BATON_SLOW_FS_MS ?? 0);
/** 1: let the event loop turn between writes (setImmediate), as separate requests do. */
const YIELD = process.env.BATON_YIELD === '1';

function slowDown(ms: number): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const sleep = () => Atomics.wait(cell, 0, 0, ms);
  for (const name of ['writeSync', 'fsyncSync', 'fdatasyncSync'] as const) {
    const original = fs[name] as (...args: unknown[]) => unknown;
    (fs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      sleep();
      return original(...args);
    };
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-loop-'));
  const database = await openDatabase({ dataDir: join(dir, 'data') });
  await sql`create table burst (id serial primary key, body text)`.execute(database.db);
  if (SLOW_FS_MS > 0) slowDown(SLOW_FS_MS);
  const body = 'x'.repeat(500);
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let ticks = 0;
  // A 10 ms timer stands in for a request that needs the event loop (as /health does).
  let worstTimerMs = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    worstTimerMs = Math.max(worstTimerMs, now - last - 10);
    last = now;
    ticks++;
  }, 10);
  histogram.enable();
  const t0 = performance.now();
  for (let i = 0; i < WRITES; i++) {
    await sql`insert into burst (body) values (${body})`.execute(database.db);
    if (YIELD) await new Promise((r) => setImmediate(r));
  }
  const end = performance.now();
  const seconds = (end - t0) / 1000;
  // The probe may not have run at all during the burst: the gap up to its end counts too.
  worstTimerMs = Math.max(worstTimerMs, end - last - 10);
  histogram.disable();
  clearInterval(probe);
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  process.stdout.write(
    `${JSON.stringify({
      writes: WRITES,
      slowFsMs: SLOW_FS_MS,
      yieldBetweenWrites: YIELD,
      writesPerSecond: Math.round(WRITES / seconds),
      eventLoopDelayMs: {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
      },
      worstTimerLatenessMs: worstTimerMs.toFixed(1),
      timerRunsDuringBurst: ticks,
      burstMs: Math.round(seconds * 1000),
    })}\n`,
  );
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
