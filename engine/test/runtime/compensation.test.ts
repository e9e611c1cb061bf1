import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

const FILES: Record<string, string> = {
  'comp-basic': 'rt-compensation.bpmn',
  'comp-active': 'rt-compensation-active.bpmn',
  'comp-ref': 'rt-compensation-ref.bpmn',
  'comp-sub': 'rt-compensation-sub.bpmn',
  'comp-mi': 'rt-compensation-mi.bpmn',
  'comp-esp': 'rt-compensation-esp.bpmn',
  'comp-interrupted': 'rt-compensation-interrupted.bpmn',
  'comp-loop': 'rt-compensation-loop.bpmn',
  booking: 'rt-transaction.bpmn',
  seats: 'rt-transaction-mi.bpmn',
};

async function driver(processId: string): Promise<Driver> {
  return new Driver(await loadModel(FILES[processId] ?? '', processId));
}

/** The compensations started: "activity>handler", in the order they started. */
function compensated(d: Driver): string[] {
  return d.historyOf('compensation.started').map((r) => `${r.elementId}>${String(r.data?.['handlerId'])}`);
}

describe('runtime: compensation', () => {
  it('starts the handler of every completed activity at once and waits until all are done', async () => {
    // given
    const d = await driver('comp-basic');
    d.start({ orderId: 'o-1' });
    d.completeJob('bookHotel');
    // when
    d.completeTask('review');
    // then
    expect(compensated(d).sort()).toEqual(['bookFlight>cancelFlight', 'bookHotel>cancelHotel']);
    expect(d.activeElements()).toEqual({ undoAll: 1, cancelHotel: 1, cancelFlight: 1 });
    expect(d.job('cancelFlight').jobType).toBe('cancel-flight');
    expect(d.job('cancelFlight').variables?.['orderId']).toBe('o-1');
    // when: one handler is done, the throw still waits
    d.completeJob('cancelFlight');
    // then
    expect(d.activeElements()).toEqual({ undoAll: 1, cancelHotel: 1 });
    expect(d.historyOf('element.completed').some((r) => r.elementId === 'undoAll')).toBe(false);
    // when
    d.completeTask('cancelHotel', { hotelCancelled: true });
    // then
    expect(d.status).toBe('completed');
    expect(d.variables['hotelCancelled']).toBe(true);
    const completedOrder = d.historyOf('element.completed').map((r) => r.elementId);
    expect(completedOrder.indexOf('undoAll')).toBeGreaterThan(completedOrder.indexOf('cancelHotel'));
  });

  it('compensates only completed activities, and each completion once', async () => {
    // given: quick completes, slow is still active when the first throw happens
    const d = await driver('comp-active');
    d.start();
    // then
    expect(compensated(d)).toEqual(['quick>undoQuick']);
    expect(d.activeElements()).toEqual({ slow: 1, throwQuick: 1, undoQuick: 1 });
    // when
    d.completeTask('undoQuick');
    d.completeTask('slow');
    // then: the second throw finds slow, and not quick again
    expect(compensated(d)).toEqual(['quick>undoQuick', 'slow>undoSlow']);
    d.completeTask('undoSlow');
    expect(d.status).toBe('completed');
  });

  it('compensates the activity an activityRef names, and an end event later compensates what is left', async () => {
    // given
    const d = await driver('comp-ref');
    // when
    d.start();
    // then
    expect(compensated(d)).toEqual(['taskB>revertB']);
    expect(d.activeElements()).toEqual({ undoB: 1, revertB: 1 });
    // when
    d.completeTask('revertB');
    d.completeTask('check');
    // then
    expect(compensated(d)).toEqual(['taskB>revertB', 'taskA>revertA']);
    expect(d.activeElements()).toEqual({ undoRest: 1, revertA: 1 });
    d.completeTask('revertA');
    expect(d.status).toBe('completed');
  });

  it('passes through a throw that finds nothing to compensate', async () => {
    // given: taskB's completion was compensated already
    const d = await driver('comp-ref');
    d.start();
    d.completeTask('revertB');
    expect(d.state?.compensations?.map((r) => r.elementId)).toEqual(['taskA']);
    d.completeTask('check');
    d.completeTask('revertA');
    // then: nothing remains to compensate, and the instance completed
    expect(d.state?.compensations).toBeUndefined();
    expect(d.status).toBe('completed');
  });

  it('compensates the activities inside a completed subprocess, whose handler sees its variables', async () => {
    // given
    const d = await driver('comp-sub');
    // when
    d.start({ orderId: 'o-7' });
    // then
    expect(compensated(d).sort()).toEqual(['reserve>release', 'ship>recall']);
    expect(d.task('release').variables['reservation']).toBe('R-o-7');
    expect(d.task('recall').variables['reservation']).toBeUndefined();
    d.completeTask('release');
    d.completeTask('recall');
    expect(d.status).toBe('completed');
  });

  it('does not compensate what completed inside a subprocess that was interrupted', async () => {
    // given: reserve completed inside the subprocess, which still waits at its user task
    const d = await driver('comp-interrupted');
    d.start();
    expect(d.state?.compensations?.map((r) => r.elementId)).toEqual(['reserve']);
    // when: the timer interrupts the subprocess and the path after it throws compensation
    d.fireTimer('late');
    // then
    expect(compensated(d)).toEqual([]);
    expect(d.tasksAt('release')).toHaveLength(0);
    expect(d.status).toBe('completed');
  });

  it('runs the handler of a multi-instance activity once per completed iteration, with its item', async () => {
    // given
    const d = await driver('comp-mi');
    d.start({ items: ['a', 'b', 'c'] });
    // when
    for (const task of d.tasksAt('book'))
      d.run({ type: 'task.complete', taskId: task.id, variables: {} }) && d.tasks.delete(task.id);
    // then
    expect(compensated(d)).toEqual(['book>unbook', 'book>unbook', 'book>unbook']);
    expect(
      d
        .tasksAt('unbook')
        .map((t) => t.variables['item'])
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    for (const task of d.tasksAt('unbook'))
      d.run({ type: 'task.complete', taskId: task.id, variables: {} }) && d.tasks.delete(task.id);
    expect(d.status).toBe('completed');
  });

  it('compensates each pass of a standard loop once', async () => {
    // given
    const d = await driver('comp-loop');
    // when
    d.start();
    // then
    expect(compensated(d)).toEqual(['charge>refund', 'charge>refund', 'charge>refund']);
    expect(d.tasksAt('refund')).toHaveLength(3);
  });

  it('runs the compensation event subprocess of a completed subprocess, which compensates inside it', async () => {
    // given
    const d = await driver('comp-esp');
    // when
    d.start({ orderId: 'o-3' });
    // then: the event subprocess replaces the default compensation of the activities inside
    expect(compensated(d)).toEqual(['sub>onCompensate']);
    expect(d.task('notify').variables['reservation']).toBe('R-o-3');
    expect(d.tasksAt('release')).toHaveLength(0);
    // when: its own compensation throw compensates what completed in the subprocess
    d.completeTask('notify');
    // then
    expect(compensated(d)).toEqual(['sub>onCompensate', 'reserve>release']);
    expect(d.task('release').variables['reservation']).toBe('R-o-3');
    expect(d.activeElements()).toEqual({ undoAll: 1, onCompensate: 1, undoInside: 1, release: 1 });
    // when
    d.completeTask('release');
    // then
    expect(d.status).toBe('completed');
    expect(d.state?.compensations).toBeUndefined();
  });

  it('terminates running handlers and the waiting throw when the instance is cancelled', async () => {
    // given
    const d = await driver('comp-basic');
    d.start();
    d.completeJob('bookHotel');
    d.completeTask('review');
    // when
    d.run({ type: 'instance.cancel' });
    // then
    expect(d.status).toBe('cancelled');
    expect(d.tasks.size).toBe(0);
    expect(d.jobs.size).toBe(0);
  });
});

describe('runtime: transactions', () => {
  it('runs a transaction like an embedded subprocess when it ends normally', async () => {
    // given
    const d = await driver('booking');
    d.start();
    d.completeJob('reserve');
    d.completeTask('confirm');
    // when
    d.completeTask('pay', { ok: true });
    // then
    expect(d.status).toBe('completed');
    expect(compensated(d)).toEqual([]);
    expect(d.historyOf('element.completed').map((r) => r.elementId)).toContain('tx');
  });

  it('cancels the transaction on a cancel end event: terminates the rest, compensates, then leaves by the cancel boundary', async () => {
    // given
    const d = await driver('booking');
    d.start();
    d.completeJob('reserve');
    // when
    d.completeTask('pay', { ok: false });
    // then: confirm is terminated, reserve is compensated, the transaction waits for the handler
    expect(d.tasksAt('confirm')).toHaveLength(0);
    expect(compensated(d)).toEqual(['reserve>release']);
    expect(d.activeElements()).toEqual({ tx: 1, cancelEnd: 1, release: 1 });
    // when
    d.completeTask('release');
    // then
    expect(d.activeElements()).toEqual({ apologise: 1 });
    expect(d.historyOf('transaction.cancelled')).toEqual([
      expect.objectContaining({
        elementId: 'tx',
        data: { endEventId: 'cancelEnd', boundaryEventId: 'txCancelled' },
      }),
    ]);
    expect(d.historyOf('element.terminated').map((r) => r.elementId)).toEqual(['confirm', 'tx']);
    d.completeTask('apologise');
    expect(d.status).toBe('completed');
  });

  it('cancels one iteration of a multi-instance transaction: compensates that one, then the boundary ends them all', async () => {
    // given: two seats, each confirmed in its own transaction
    const d = await driver('seats');
    d.start({ seats: ['A1', 'B2'] });
    const [first, second] = d.tasksAt('confirm');
    // when: the second seat is refused
    d.run({ type: 'task.complete', taskId: second?.id ?? '', variables: { ok: false } });
    d.tasks.delete(second?.id ?? '');
    // then: only the reservation of that transaction is released, the first still waits
    expect(compensated(d)).toEqual(['reserve>release']);
    expect(d.task('release').variables['seat']).toBe('B2');
    expect(d.tasksAt('confirm').map((t) => t.id)).toEqual([first?.id]);
    // when
    d.completeTask('release');
    // then: the cancel boundary on the multi-instance transaction interrupts every iteration
    expect(d.tasks.size).toBe(0);
    expect(d.status).toBe('completed');
    expect(d.historyOf('transaction.cancelled').map((r) => r.elementId)).toEqual(['tx']);
    expect(d.historyOf('element.completed').map((r) => r.elementId)).toContain('cancelled');
  });
});
