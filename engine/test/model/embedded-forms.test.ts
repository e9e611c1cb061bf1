import { describe, expect, it } from 'vitest';
import type { ActivityElement } from '../../src/model/index.js';
import { compileBpmn } from '../../src/model/index.js';
import { compileValid, definitions, flow, issuesOf } from './bpmn-text.js';

/** Camunda 8's embedded forms: `zeebe:userTaskForm` in the process, `formKey` on the user task. */

const ext = (content: string) => `<bpmn:extensionElements>${content}</bpmn:extensionElements>`;
const link = (key: string) => ext(`<zeebe:formDefinition formKey="${key}" />`);

function file(forms: string, tasks: string): string {
  return definitions(`<bpmn:process id="p" isExecutable="true">${ext(forms)}
    <bpmn:startEvent id="s" />${tasks}${flow('s', 'a')}</bpmn:process>`);
}

const formJson = (components: unknown[]) =>
  JSON.stringify({ type: 'default', components }).replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe('embedded Camunda Forms', () => {
  it('gives two tasks showing one form the same converted form, and an identical form the same id', async () => {
    // given
    const form = formJson([{ type: 'textfield', id: 'f', key: 'name', validate: { required: true } }]);
    const tasks = `<bpmn:userTask id="a">${link('camunda-forms:bpmn:F1')}</bpmn:userTask>
      <bpmn:userTask id="b">${link('camunda-forms:bpmn:F1')}</bpmn:userTask>${flow('a', 'b')}`;
    // when
    const model = await compileValid(file(`<zeebe:userTaskForm id="F1">${form}</zeebe:userTaskForm>`, tasks));
    const again = await compileValid(file(`<zeebe:userTaskForm id="F1">${form}</zeebe:userTaskForm>`, tasks));
    const changed = await compileValid(
      file(
        `<zeebe:userTaskForm id="F1">${formJson([{ type: 'number', key: 'name' }])}</zeebe:userTaskForm>`,
        tasks,
      ),
    );
    // then
    const formIdOf = (m: typeof model, id: string) => (m.elements[id] as ActivityElement).userTask?.formId;
    expect(formIdOf(model, 'a')).toBe(formIdOf(model, 'b'));
    expect(formIdOf(again, 'a')).toBe(formIdOf(model, 'a'));
    expect(formIdOf(changed, 'a')).not.toBe(formIdOf(model, 'a'));
    expect(model.embeddedForms).toHaveLength(1);
    expect(model.embeddedForms?.[0]).toMatchObject({
      key: 'F1',
      elementIds: ['a', 'b'],
      schema: { properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] },
    });
  });

  it('reports each component it cannot convert on every task showing the form', async () => {
    // given
    const form = formJson([
      { type: 'textfield', id: 'ok', key: 'name' },
      { type: 'iframe', id: 'Frame_1', url: 'https://example.com' },
      { type: 'select', id: 'Pick_1', key: 'pick', valuesKey: 'options' },
    ]);
    const xml = file(
      `<zeebe:userTaskForm id="F1">${form}</zeebe:userTaskForm>`,
      `<bpmn:userTask id="a">${link('camunda-forms:bpmn:F1')}</bpmn:userTask>`,
    );
    // when
    const issues = await issuesOf(xml);
    // then
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'a form.unsupported',
      'a form.unsupported',
    ]);
    expect(issues[0]?.message).toContain("embedded form 'F1', component 'Frame_1' (iframe)");
    expect(issues[1]?.message).toContain("component 'Pick_1' (select)");
  });

  it('reports a formKey naming no embedded form, a body that is not JSON, and formKey on a start event', async () => {
    // given
    const xml = definitions(`<bpmn:process id="p" isExecutable="true">
      ${ext('<zeebe:userTaskForm id="Broken">{ not json</zeebe:userTaskForm>')}
      <bpmn:startEvent id="s">${link('camunda-forms:bpmn:Broken')}</bpmn:startEvent>
      <bpmn:userTask id="a">${link('camunda-forms:bpmn:Nope')}</bpmn:userTask>
      <bpmn:userTask id="b">${link('camunda-forms:bpmn:Broken')}</bpmn:userTask>
      ${flow('s', 'a')}${flow('a', 'b')}</bpmn:process>`);
    // when
    const issues = await issuesOf(xml);
    // then
    expect(issues.map((i) => `${i.elementId} ${i.code}`).sort()).toEqual([
      'a reference.missing',
      'b form.invalid',
      's extension.unsupported',
    ]);
  });

  it('keeps a custom formKey as an external form reference, and warns about purely visual components', async () => {
    // given
    const form = formJson([
      { type: 'spacer', id: 'Gap' },
      { type: 'textfield', key: 'x' },
    ]);
    const xml = file(
      `<zeebe:userTaskForm id="F1">${form}</zeebe:userTaskForm>`,
      `<bpmn:userTask id="a">${link('my-app:approval')}</bpmn:userTask>
       <bpmn:userTask id="b">${link('camunda-forms:bpmn:F1')}</bpmn:userTask>${flow('a', 'b')}`,
    );
    // when
    const model = await compileValid(xml);
    const { warnings } = await compileBpmn(xml);
    // then
    expect((model.elements.a as ActivityElement).userTask?.externalReference).toEqual({
      feel: false,
      value: 'my-app:approval',
    });
    expect(warnings.map((i) => `${i.elementId} ${i.code} ${i.severity}`)).toEqual(['b form.ignored warning']);
  });
  it('reports a form nested 100,000 levels deep as a problem, without exhausting the stack', async () => {
    // given groups inside groups, then plain arrays inside arrays
    let group = '{"type":"textfield","key":"x"}';
    for (let i = 0; i < 100_000; i += 1) group = `{"type":"group","components":[${group}]}`;
    const arrays = `{"components":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
    const xml = file(
      `<zeebe:userTaskForm id="G">{"components":[${group}]}</zeebe:userTaskForm><zeebe:userTaskForm id="A">${arrays}</zeebe:userTaskForm>`,
      `<bpmn:userTask id="a">${link('camunda-forms:bpmn:G')}</bpmn:userTask>
       <bpmn:userTask id="b">${link('camunda-forms:bpmn:A')}</bpmn:userTask>${flow('a', 'b')}`,
    );
    // when
    const issues = await issuesOf(xml);
    // then
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'a form.unsupported',
      'b form.unsupported',
    ]);
  });
});
