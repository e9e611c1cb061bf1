import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { ExpressionBudgetError, ExpressionError } from '../errors.js';
import type { JsonValue, Variables } from '../runtime/types.js';
import { currentFeelLimits, type FeelLimits, onFeelLimitsChange } from './limits.js';

/**
 * Runs FEEL that may loop or recurse in a worker thread with a heap and stack limit, while the
 * caller waits SYNCHRONOUSLY (`Atomics.wait`) up to a deadline: the runtime's `step()` stays a
 * plain function. On a deadline the worker is terminated (V8 stops even a tight loop) and a fresh
 * one starts on the next call; a worker that runs out of heap dies alone, never the process.
 *
 * Why not the `synckit` package: it waits the same way but neither terminates a worker that
 * overran nor sets `resourceLimits`, which are the two things this is for.
 *
 * The worker's code is this module's own constant text (never user input), evaluated as the
 * worker's entry so the same file works from `src` (tests) and `dist` without a build step.
 */

interface Request {
  readonly source: string;
  readonly variables: Variables;
  readonly nowMs: number;
  readonly maxResultBytes: number;
}

type Reply =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly error: string; readonly budget?: 'result size' | 'recursion depth' };

const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { port, signal, feelinUrl } = workerData;
function answer(reply) {
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
import(feelinUrl).then((feelin) => {
  port.on('message', (request) => {
    try {
      const at = new Date(request.nowMs).toISOString();
      const context = Object.assign({}, request.variables, {
        now: () => feelin.dateAndTime(at),
        today: () => feelin.date(at.slice(0, 10)),
      });
      const value = feelin.evaluate(request.source, context).value;
      const json = value === undefined || typeof value === 'function' ? 'null' : JSON.stringify(value);
      if (json !== undefined && json.length > request.maxResultBytes) {
        answer({ ok: false, budget: 'result size',
          error: 'the result is larger than ' + request.maxResultBytes + ' bytes as JSON' });
      } else answer({ ok: true, json: json === undefined ? 'null' : json });
    } catch (error) {
      const message = String((error && error.message) || error);
      if (error instanceof RangeError && /call stack/i.test(message))
        answer({ ok: false, budget: 'recursion depth', error: 'the expression recursed too deeply' });
      else if (error instanceof RangeError && /string length|array length/i.test(message))
        answer({ ok: false, budget: 'result size', error: 'the expression built a string or list too large' });
      else answer({ ok: false, error: message });
    }
  });
  Atomics.store(signal, 1, 1);
  Atomics.notify(signal, 1);
});
`;

/** How long a worker may take to start (load feelin) before evaluation counts as failed. */
const STARTUP_MS = 15_000;

interface Sandbox {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** [0]: a reply is waiting; [1]: the worker is ready. */
  readonly signal: Int32Array;
}

let sandbox: Sandbox | undefined;
let feelinUrl: string | undefined;

onFeelLimitsChange(() => stopSandbox());

/** Evaluates `source` in the sandbox under the current limits; throws ExpressionError / ExpressionBudgetError. */
export function evaluateInSandbox(source: string, variables: Variables, now: Date): JsonValue {
  const limits = currentFeelLimits();
  let current: Sandbox;
  try {
    current = sandbox ?? startSandbox(limits);
  } catch (error) {
    throw new ExpressionError(source, (error as Error).message);
  }
  const request: Request = {
    source,
    variables,
    nowMs: now.getTime(),
    maxResultBytes: limits.maxResultBytes,
  };
  Atomics.store(current.signal, 0, 0);
  try {
    current.port.postMessage(request);
  } catch (error) {
    throw new ExpressionError(source, `its variables cannot be passed on: ${(error as Error).message}`);
  }
  const waited = Atomics.wait(current.signal, 0, 0, limits.timeoutMs);
  const received = receiveMessageOnPort(current.port);
  if (waited === 'timed-out' && !received) {
    // Stuck in a loop, or its heap ran out (the worker is gone and will never answer): either
    // way the evaluation is over and the next one gets a fresh worker.
    stopSandbox();
    throw new ExpressionBudgetError(
      source,
      'time',
      `no result within ${limits.timeoutMs} ms (or it ran out of its ${limits.memoryMb} MB of memory)`,
    );
  }
  const reply = received?.message as Reply | undefined;
  if (!reply) {
    stopSandbox();
    throw new ExpressionError(source, 'the sandbox gave no answer');
  }
  if (!reply.ok) {
    if (reply.budget) throw new ExpressionBudgetError(source, reply.budget, reply.error);
    throw new ExpressionError(source, reply.error);
  }
  return JSON.parse(reply.json) as JsonValue;
}

/** Terminates the sandbox worker, if any (the next evaluation starts a fresh one). */
export function stopSandbox(): void {
  const current = sandbox;
  sandbox = undefined;
  if (!current) return;
  current.port.close();
  void current.worker.terminate().catch(() => {});
}

function startSandbox(limits: FeelLimits): Sandbox {
  feelinUrl ??= pathToFileURL(createRequire(import.meta.url).resolve('feelin')).href;
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { port: port2, signal, feelinUrl },
    transferList: [port2],
    resourceLimits: {
      maxOldGenerationSizeMb: limits.memoryMb,
      maxYoungGenerationSizeMb: Math.max(1, Math.min(16, Math.floor(limits.memoryMb / 4))),
      stackSizeMb: limits.stackMb,
    },
    stdout: false,
    stderr: false,
  });
  // The worker must never keep the process alive, and its death (out of memory) is expected.
  worker.unref();
  port1.unref();
  worker.on('error', () => {});
  if (Atomics.wait(signal, 1, 0, STARTUP_MS) === 'timed-out') {
    void worker.terminate().catch(() => {});
    throw new Error(`the FEEL sandbox did not start within ${STARTUP_MS} ms`);
  }
  sandbox = { worker, port: port1, signal };
  return sandbox;
}
