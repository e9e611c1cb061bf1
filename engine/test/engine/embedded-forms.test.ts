import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedForm } from '../../src/model/index.js';
import type { Database } from '../../src/database.js';
import { DefinitionInvalidError } from '../../src/errors.js';
import { SYSTEM } from '../../src/identity.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

// A file as Camunda Modeler (Camunda 8 mode) saves it: the form embedded in the process and
// linked from the user task by formKey.
const MODELER_FILE = readFileSync(new URL('./embedded-form.bpmn', import.meta.url), 'utf8');

describe.each(databases())('embedded Camunda Forms at deploy on $name', (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    await testEngine(database);
    await truncateEngineTables(database);
  });

  it('hands the converted form to the deploy checks and opens the task with it', async () => {
    // given
    const { engine } = await testEngine(database);
    const seen: { processId: string; formIds: readonly string[]; embeddedForms?: readonly EmbeddedForm[] }[] =
      [];
    // when
    await engine.deploy(MODELER_FILE, {
      extraChecks: async (processes) => {
        seen.push(...processes);
        return [];
      },
    });
    const instance = await engine.startInstance({ processId: 'expense-claim' }, SYSTEM);
    const task = await onlyOpenTask(engine, instance.id);
    // then the task shows the converted form, whose id the deploy checks were given with the form
    const form = seen[0]?.embeddedForms?.[0];
    expect(form?.formId).toMatch(/^camunda-form-[0-9a-f]{32}$/);
    expect(seen[0]?.formIds).toEqual([form?.formId]);
    expect(task.formId).toBe(form?.formId);
    expect(form).toMatchObject({
      key: 'UserTaskForm_1q6d0sv',
      elementIds: ['Activity_review'],
      schema: {
        description: '# Expense claim\nCheck the receipt before you approve.',
        properties: {
          amount: { type: 'number', title: 'Amount', minimum: 0.01, maximum: 10000 },
          decision: { type: 'string', enum: ['approve', 'reject'] },
          costCentre: { type: 'string', pattern: '^CC-[0-9]{4}$' },
        },
        required: ['amount', 'decision'],
      },
      uiSchema: { 'ui:order': ['amount', 'decision', 'reason', 'costCentre', '*'] },
    });
  });

  it('keeps the form of the version an instance started on when the embedded form changes', async () => {
    // given an instance waiting on the first version's form
    const { engine } = await testEngine(database);
    await engine.deploy(MODELER_FILE);
    const first = await engine.startInstance({ processId: 'expense-claim' }, SYSTEM);
    // when the form changes (a new label) and the file is deployed again
    const changed = MODELER_FILE.replace(
      '&#34;label&#34;: &#34;Amount&#34;',
      '&#34;label&#34;: &#34;Total&#34;',
    );
    expect(changed).not.toBe(MODELER_FILE);
    await engine.deploy(changed);
    const second = await engine.startInstance({ processId: 'expense-claim' }, SYSTEM);
    // then each task keeps the form of its own version
    const oldTask = await onlyOpenTask(engine, first.id);
    const newTask = await onlyOpenTask(engine, second.id);
    expect(oldTask.formId).toMatch(/^camunda-form-/);
    expect(newTask.formId).toMatch(/^camunda-form-/);
    expect(newTask.formId).not.toBe(oldTask.formId);
  });

  it('gives the tasks the same form after a restart, when the model is compiled again from the file', async () => {
    // given an instance started before the restart
    const { engine: before } = await testEngine(database);
    await before.deploy(MODELER_FILE);
    const first = await before.startInstance({ processId: 'expense-claim' }, SYSTEM);
    // when a new engine (an empty model cache) starts another
    const { engine: after } = await testEngine(database);
    const second = await after.startInstance({ processId: 'expense-claim' }, SYSTEM);
    // then both tasks show the same converted form
    const formId = (await onlyOpenTask(after, first.id)).formId;
    expect(formId).toMatch(/^camunda-form-/);
    expect((await onlyOpenTask(after, second.id)).formId).toBe(formId);
  });

  it('refuses the file, saving nothing, when a component cannot be converted', async () => {
    // given the form's text field replaced by an iframe
    const { engine } = await testEngine(database);
    const withFrame = MODELER_FILE.replace(
      '&#34;type&#34;: &#34;textfield&#34;',
      '&#34;type&#34;: &#34;iframe&#34;',
    );
    // when
    const error = await engine.deploy(withFrame).catch((e: unknown) => e);
    // then the problem names the user task and the component
    expect(error).toBeInstanceOf(DefinitionInvalidError);
    const issues = (error as DefinitionInvalidError).issues;
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual(['Activity_review form.unsupported']);
    expect(issues[0]?.message).toContain("component 'Field_cc' (iframe)");
    expect(await engine.listDefinitions()).toEqual([]);
  });
});
