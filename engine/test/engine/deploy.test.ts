import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import { DefinitionInvalidError, DefinitionNotFoundError } from '../../src/errors.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  startEvent,
  threeStepProcess,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';
import { SYSTEM } from '../../src/identity.js';

describe.each(databases())('deploy on $name', (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    await testEngine(database);
    await truncateEngineTables(database);
  });

  it('versions a changed process and returns the existing version for identical content', async () => {
    // given a deployed process
    const { engine } = await testEngine(database);
    const first = await engine.deploy(threeStepProcess('order', 'Order'), { actor: 'dora' });
    // when the same file and then a changed one are deployed
    const same = await engine.deploy(threeStepProcess('order', 'Order'));
    const changed = await engine.deploy(threeStepProcess('order', 'Order v2'));
    // then identical content is not a new version, a change is
    expect(first.definitions.map((d) => [d.processId, d.version, d.isNew, d.deployedBy])).toEqual([
      ['order', 1, true, 'dora'],
    ]);
    expect(same.definitions.map((d) => [d.version, d.isNew, d.id])).toEqual([
      [1, false, first.definitions[0]?.id],
    ]);
    expect(changed.definitions.map((d) => [d.version, d.isNew, d.name])).toEqual([[2, true, 'Order v2']]);
    expect((await engine.getLatestDefinition('order')).version).toBe(2);
    expect((await engine.listDefinitions({ processId: 'order' })).map((d) => d.version)).toEqual([2, 1]);
    expect((await engine.listDefinitions({ latestOnly: true })).map((d) => d.version)).toEqual([2]);
  });

  it('starts the newest version even when another engine deployed it', async () => {
    // given engine A has started v1 (and remembers it), then engine B deploys v2
    const { engine: a } = await testEngine(database);
    const { engine: b } = await testEngine(database);
    await a.deploy(threeStepProcess('shared', 'v1'));
    await a.startInstance({ processId: 'shared' }, SYSTEM);
    await b.deploy(threeStepProcess('shared', 'v2'));
    // when A starts another instance
    const started = await a.startInstance({ processId: 'shared' }, SYSTEM);
    // then it runs on v2, and running instances keep v1
    expect(started.version).toBe(2);
    const all = await a.listInstances({ processId: 'shared' });
    expect(all.items.map((i) => i.version).sort()).toEqual([1, 2]);
  });

  it('deploys every executable process of a file', async () => {
    // given a file with two processes
    const xml = bpmnFile([
      linearProcess('a', [startEvent(), userTask('t', { formId: 'form-a' }), endEvent()]),
      linearProcess('b', [startEvent('b-start'), endEvent('b-end')]),
    ]);
    const { engine } = await testEngine(database);
    // when deployed
    const result = await engine.deploy(xml);
    // then both are versioned separately and the form ids are listed
    expect(result.definitions.map((d) => [d.processId, d.version, d.formIds])).toEqual([
      ['a', 1, ['form-a']],
      ['b', 1, []],
    ]);
    const stored = await engine.getDefinition(result.definitions[0]?.id ?? '');
    expect(stored.xml).toBe(xml);
    expect((await engine.getModel(stored.id)).id).toBe('a');
  });

  it('rejects invalid BPMN with every problem and stores nothing', async () => {
    // given a file with a dangling flow and bad XML elsewhere
    const { engine } = await testEngine(database);
    const broken = bpmnFile([
      linearProcess('bad', [startEvent(), endEvent()], {
        extra: '<bpmn:sequenceFlow id="dangling" sourceRef="start" targetRef="nowhere" />',
      }),
    ]);
    // when deployed // then a typed error lists the problems
    const error = await engine.deploy(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefinitionInvalidError);
    expect((error as DefinitionInvalidError).issues.length).toBeGreaterThan(0);
    await expect(engine.deploy('<not-bpmn')).rejects.toBeInstanceOf(DefinitionInvalidError);
    expect(await engine.validate('<not-bpmn')).not.toEqual([]);
    expect(await engine.listDefinitions()).toEqual([]);
  });

  it('rejects characters XML forbids as an invalid definition, not a database error', async () => {
    // given a process name holding a NUL (which no PostgreSQL text column can store)
    const { engine } = await testEngine(database);
    const xml = bpmnFile([linearProcess('nul', [startEvent(), endEvent()], { name: 'a\u0000b' })]);
    // when deployed
    const error = await engine.deploy(xml).catch((e: unknown) => e);
    // then a typed error names the problem and its position, and nothing is stored
    expect(error).toBeInstanceOf(DefinitionInvalidError);
    expect((error as DefinitionInvalidError).issues).toEqual([
      expect.objectContaining({
        code: 'xml.malformed',
        line: expect.any(Number),
        column: expect.any(Number),
      }),
    ]);
    await expect(engine.deploy(xml.replace('a\u0000b', 'a&#0;b'))).rejects.toBeInstanceOf(
      DefinitionInvalidError,
    );
    expect(await engine.listDefinitions()).toEqual([]);
  });

  it('runs the caller’s extra checks before saving', async () => {
    // given a check that knows no forms
    const { engine } = await testEngine(database);
    const xml = bpmnFile([
      linearProcess('f', [startEvent(), userTask('t', { formId: 'missing' }), endEvent()]),
    ]);
    // when deployed with it
    const attempt = engine.deploy(xml, {
      extraChecks: async (processes) =>
        processes.flatMap((p) =>
          p.formIds.map((formId) => ({ code: 'form.missing', message: `no form ${formId}`, elementId: 't' })),
        ),
    });
    // then it is rejected with the check's issue
    await expect(attempt).rejects.toMatchObject({
      code: 'DEFINITION_INVALID',
      issues: [{ code: 'form.missing' }],
    });
    expect(await engine.listDefinitions()).toEqual([]);
  });

  it('answers unknown definitions with a typed error', async () => {
    const { engine } = await testEngine(database);
    await expect(engine.getDefinition('not-a-uuid')).rejects.toBeInstanceOf(DefinitionNotFoundError);
    await expect(engine.getLatestDefinition('nope')).rejects.toBeInstanceOf(DefinitionNotFoundError);
    await expect(engine.startInstance({ processId: 'nope' }, SYSTEM)).rejects.toBeInstanceOf(
      DefinitionNotFoundError,
    );
  });

  it('reads the start form of a process', async () => {
    const { engine } = await testEngine(database);
    const xml = bpmnFile([
      linearProcess('with-form', [
        '<bpmn:startEvent id="start"><bpmn:extensionElements><zeebe:formDefinition formId="start-form" /></bpmn:extensionElements></bpmn:startEvent>',
        endEvent(),
      ]),
    ]);
    const { definitions } = await engine.deploy(xml);
    expect(await engine.startFormId(definitions[0]?.id ?? '')).toBe('start-form');
  });
});
