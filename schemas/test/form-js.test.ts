import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import formatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { convertFormJs } from '../src/index.js';

const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin);

/** Validates data against a converted schema the way a server does (2020-12, formats, all errors). */
function validator(schema: Record<string, unknown>) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (data: unknown) =>
    validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
}

const form = (components: unknown[]) => ({
  type: 'default',
  id: 'Form_1',
  schemaVersion: 16,
  executionPlatform: 'Camunda Cloud',
  components,
});

describe('convertFormJs', () => {
  it('converts text fields with their validation, keeping the keys as variable names', () => {
    // given
    const source = form([
      {
        type: 'textfield',
        id: 'Field_name',
        key: 'name',
        label: 'Name',
        description: 'As on your badge',
        validate: { required: true, minLength: 2, maxLength: 20 },
      },
      {
        type: 'textfield',
        id: 'Field_code',
        key: 'code',
        label: 'Code',
        validate: { pattern: '^[A-Z]{3}$' },
      },
      { type: 'textarea', id: 'Field_note', key: 'note', label: 'Note' },
      { type: 'textfield', id: 'Field_mail', key: 'mail', validate: { validationType: 'email' } },
      { type: 'button', id: 'Field_submit', action: 'submit', label: 'Submit' },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems).toEqual([]);
    expect(result.id).toBe('Form_1');
    expect(result.schema.properties).toEqual({
      name: { type: 'string', title: 'Name', description: 'As on your badge', minLength: 2, maxLength: 20 },
      code: { type: 'string', title: 'Code', pattern: '^[A-Z]{3}$' },
      note: { type: 'string', title: 'Note' },
      mail: { type: 'string', format: 'email' },
    });
    expect(result.schema.required).toEqual(['name']);
    expect(result.uiSchema).toEqual({
      note: { 'ui:widget': 'textarea' },
      'ui:order': ['name', 'code', 'note', 'mail', '*'],
    });
    const check = validator(result.schema);
    expect(check({ name: 'Ada', code: 'ABC', mail: 'ada@example.com' })).toEqual([]);
    expect(check({ name: 'A', code: 'abc', mail: 'nope' })).toEqual([
      '/name minLength',
      '/code pattern',
      '/mail format',
    ]);
    expect(check({})).toEqual([' required']);
  });

  it('converts numbers: whole numbers for no decimal digits, bounds, and an increment it can check exactly', () => {
    // given
    const source = form([
      {
        type: 'number',
        id: 'n1',
        key: 'days',
        decimalDigits: 0,
        increment: '5',
        validate: { min: 5, max: 30 },
      },
      { type: 'number', id: 'n2', key: 'amount', decimalDigits: 2 },
      { type: 'number', id: 'n3', key: 'price', decimalDigits: 2, serializeToString: true },
      { type: 'number', id: 'n4', key: 'hours', increment: 0.25 },
      { type: 'number', id: 'n5', key: 'rate', increment: '0.1' },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems).toEqual([]);
    expect(result.schema.properties).toEqual({
      days: { type: 'integer', minimum: 5, maximum: 30, multipleOf: 5 },
      amount: { type: 'number' },
      price: { type: 'string', pattern: '^-?\\d+(?:\\.\\d{1,2})?$' },
      hours: { type: 'number', multipleOf: 0.25 },
      rate: { type: 'number' },
    });
    expect(result.warnings.map((w) => `${w.componentId}: ${w.message}`)).toEqual([
      'n2: decimalDigits 2 is not checked (only with serializeToString)',
      'n5: increment 0.1 is not checked',
    ]);
    const check = validator(result.schema);
    expect(check({ days: 10, amount: 1.15, price: '10.25', hours: 1.75 })).toEqual([]);
    expect(check({ days: 2.5, price: '10.255', hours: 0.3 })).toEqual([
      '/days type',
      '/days minimum',
      '/days multipleOf',
      '/price pattern',
      '/hours multipleOf',
    ]);
    expect(check({ days: 33 })).toEqual(['/days maximum', '/days multipleOf']);
    expect(
      convertFormJs(form([{ type: 'number', id: 'x', key: 'x', decimalDigits: 1e9 }])).problems,
    ).toHaveLength(1);
  });

  it('converts choices: checkbox, radio, select, checklist and taglist with static values', () => {
    // given
    const values = [
      { label: 'Low', value: 'low' },
      { label: 'High', value: 'high' },
    ];
    const source = form([
      { type: 'checkbox', id: 'c1', key: 'agree', label: 'I agree', validate: { required: true } },
      { type: 'radio', id: 'c2', key: 'level', values, defaultValue: 'low' },
      { type: 'select', id: 'c3', key: 'size', values: [{ label: 's', value: 's' }] },
      { type: 'checklist', id: 'c4', key: 'tags', values, validate: { required: true } },
      { type: 'taglist', id: 'c5', key: 'labels', values },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems).toEqual([]);
    expect(result.schema.properties).toEqual({
      agree: { type: 'boolean', title: 'I agree', const: true },
      level: { type: 'string', enum: ['low', 'high'], default: 'low' },
      size: { type: 'string', enum: ['s'] },
      tags: {
        type: 'array',
        items: { type: 'string', enum: ['low', 'high'] },
        uniqueItems: true,
        minItems: 1,
      },
      labels: { type: 'array', items: { type: 'string', enum: ['low', 'high'] }, uniqueItems: true },
    });
    expect(result.uiSchema).toMatchObject({
      level: { 'ui:widget': 'radio', 'ui:enumNames': ['Low', 'High'] },
      tags: { 'ui:widget': 'checkboxes', items: { 'ui:enumNames': ['Low', 'High'] } },
    });
    expect(result.uiSchema.size).toBeUndefined();
    const check = validator(result.schema);
    expect(check({ agree: true, level: 'high', tags: ['low'] })).toEqual([]);
    expect(check({ agree: false, level: 'medium', tags: [] })).toEqual([
      '/agree const',
      '/level enum',
      '/tags minItems',
    ]);
  });

  it('converts date, time and date-time fields, and "no past dates" to the future keyword', () => {
    // given
    const source = form([
      {
        type: 'datetime',
        id: 'd1',
        key: 'due',
        subtype: 'date',
        dateLabel: 'Due',
        disallowPassedDates: true,
      },
      { type: 'datetime', id: 'd2', key: 'at', subtype: 'time', timeLabel: 'At' },
      { type: 'datetime', id: 'd3', key: 'when', subtype: 'datetime' },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems).toEqual([]);
    const properties = result.schema.properties as Record<string, Record<string, unknown>>;
    expect(properties.due).toEqual({ type: 'string', title: 'Due', format: 'date', 'x-baton-future': true });
    expect(properties.at).toMatchObject({ type: 'string', title: 'At' });
    expect(properties.when).toEqual({ type: 'string', format: 'date-time' });
    expect(result.uiSchema.at).toEqual({ 'ui:widget': 'time' });
    const check = validator(result.schema);
    expect(check({ due: '2030-01-31', at: '09:30', when: '2030-01-31T09:30:00Z' })).toEqual([]);
    expect(check({ at: '09:30+02:00' })).toEqual([]);
    expect(check({ due: '31.01.2030', at: '25:00', when: 'tomorrow' })).toEqual([
      '/due format',
      '/at pattern',
      '/when format',
    ]);
  });

  it('nests the fields of a group with a path, flattens a group without one, and reads dotted keys as paths', () => {
    // given
    const source = form([
      {
        type: 'group',
        id: 'g1',
        label: 'Address',
        path: 'address',
        components: [{ type: 'textfield', id: 'f1', key: 'city', validate: { required: true } }],
      },
      { type: 'group', id: 'g2', label: 'Plain', components: [{ type: 'textfield', id: 'f2', key: 'flat' }] },
      { type: 'textfield', id: 'f3', key: 'contact.phone', validate: { validationType: 'phone' } },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems).toEqual([]);
    expect(result.schema.properties).toEqual({
      address: {
        title: 'Address',
        type: 'object',
        properties: { city: { type: 'string', minLength: 1 } },
        required: ['city'],
      },
      flat: { type: 'string' },
      contact: {
        type: 'object',
        properties: { phone: { type: 'string', pattern: '^(?:\\+|00)[1-9][\\d ]{5,}$' } },
      },
    });
    const check = validator(result.schema);
    expect(check({ address: { city: 'Oslo' }, flat: 'x', contact: { phone: '+47 123 45 678' } })).toEqual([]);
    expect(check({ address: {}, contact: { phone: '12' } })).toEqual([
      '/address required',
      '/contact/phone pattern',
    ]);
  });

  it('converts a dynamic list to an array of objects and a text view to the description', () => {
    // given
    const source = form([
      { type: 'text', id: 't1', text: '# Expenses\nList each one.' },
      {
        type: 'dynamiclist',
        id: 'l1',
        path: 'expenses',
        label: 'Expenses',
        isRepeating: true,
        defaultRepetitions: 1,
        allowAddRemove: false,
        components: [
          { type: 'textfield', id: 'e1', key: 'what', validate: { required: true } },
          { type: 'number', id: 'e2', key: 'cost', validate: { min: 0 } },
        ],
      },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems).toEqual([]);
    expect(result.schema.description).toBe('# Expenses\nList each one.');
    expect(result.schema.properties).toEqual({
      expenses: {
        type: 'array',
        title: 'Expenses',
        default: [{}],
        items: {
          type: 'object',
          properties: { what: { type: 'string', minLength: 1 }, cost: { type: 'number', minimum: 0 } },
          required: ['what'],
        },
      },
    });
    expect(result.uiSchema.expenses).toEqual({
      'ui:options': { addable: false, removable: false },
      items: { 'ui:order': ['what', 'cost', '*'] },
    });
    const check = validator(result.schema);
    expect(check({ expenses: [{ what: 'taxi', cost: 12 }] })).toEqual([]);
    expect(check({ expenses: [{ cost: -1 }] })).toEqual(['/expenses/0 required', '/expenses/0/cost minimum']);
  });

  it('turns a simple hide condition into if/then/else, so a hidden field is neither shown nor required', () => {
    // given
    const source = form([
      {
        type: 'select',
        id: 's1',
        key: 'decision',
        values: [
          { label: 'Approve', value: 'approve' },
          { label: 'Reject', value: 'reject' },
        ],
      },
      {
        type: 'textarea',
        id: 'r1',
        key: 'reason',
        validate: { required: true },
        conditional: { hide: '=decision != "reject"' },
      },
      { type: 'checkbox', id: 'c1', key: 'urgent' },
      { type: 'textfield', id: 'w1', key: 'why', conditional: { hide: '=not(urgent)' } },
      { type: 'textfield', id: 'x1', key: 'extra', conditional: { hide: '=urgent' } },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.schema.properties as object)).toEqual(['decision', 'urgent']);
    expect(result.uiSchema['ui:order']).toEqual(['decision', 'reason', 'urgent', 'why', 'extra', '*']);
    const check = validator(result.schema);
    expect(check({ decision: 'approve' })).toEqual([]);
    expect(check({ decision: 'reject' })).toEqual([' required', ' if']);
    expect(check({ decision: 'reject', reason: '' })).toEqual(['/reason minLength', ' if']);
    expect(check({ decision: 'reject', reason: 'Too expensive' })).toEqual([]);
    expect(result.schema.allOf).toContainEqual({
      if: { properties: { urgent: { const: true } }, required: ['urgent'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `if`/`then` keyword.
      then: { properties: { why: { type: 'string' } } },
    });
    expect(result.schema.allOf).toContainEqual({
      if: { properties: { urgent: { const: true } }, required: ['urgent'] },
      else: { properties: { extra: { type: 'string' } } },
    });
  });

  it('reports a condition it cannot express, naming the component', () => {
    // given
    const source = form([
      { type: 'number', id: 'n1', key: 'amount' },
      { type: 'textfield', id: 'f1', key: 'a', conditional: { hide: '=amount > 100' } },
      { type: 'textfield', id: 'f2', key: 'b', conditional: { hide: '=missing = "x"' } },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems.map((p) => [p.componentId, p.componentType])).toEqual([
      ['f1', 'textfield'],
      ['f2', 'textfield'],
    ]);
    expect(result.problems[0]?.message).toContain('=amount > 100');
    expect(result.problems[1]?.message).toContain('must name an unconditional field beside it');
  });

  it('reports every component it does not convert, and skips purely visual ones with a warning', () => {
    // given
    const source = form([
      { type: 'iframe', id: 'i1', url: 'https://example.com' },
      { type: 'html', id: 'h1', content: '<b>x</b>' },
      { type: 'image', id: 'm1', source: 'x.png' },
      { type: 'expression', id: 'x1', key: 'total', expression: '=a + b' },
      { type: 'filepicker', id: 'p1', key: 'files' },
      { type: 'table', id: 'b1', dataSource: '=rows' },
      { type: 'documentPreview', id: 'v1' },
      { type: 'select', id: 's1', key: 'choice', valuesKey: 'options' },
      { type: 'textfield', id: 't1', key: 'n', validate: { minLength: '=min' } },
      { type: 'mystery', id: 'y1' },
      { type: 'spacer', id: 'sp1' },
      { type: 'separator', id: 'se1' },
    ]);
    // when
    const result = convertFormJs(source);
    // then
    expect(result.problems.map((p) => `${p.componentId}:${p.componentType}`)).toEqual([
      'i1:iframe',
      'h1:html',
      'm1:image',
      'x1:expression',
      'p1:filepicker',
      'b1:table',
      'v1:documentPreview',
      's1:select',
      't1:textfield',
      'y1:mystery',
    ]);
    expect(result.warnings.map((w) => w.componentId)).toEqual(['sp1', 'se1']);
  });

  it('refuses input that is not a form, duplicate keys, a nested default, and forms past the size limits', () => {
    // when
    const notAForm = convertFormJs({ hello: 'world' });
    const duplicate = convertFormJs(
      form([
        { type: 'textfield', id: 'a', key: 'x' },
        { type: 'number', id: 'b', key: 'x' },
      ]),
    );
    let deep: Record<string, unknown> = { type: 'textfield', id: 'leaf', key: 'leaf' };
    for (let i = 0; i < 40; i += 1) deep = { type: 'group', id: `g${i}`, components: [deep] };
    const tooDeep = convertFormJs(form([deep]));
    const tooMany = convertFormJs(
      form(Array.from({ length: 1001 }, (_, i) => ({ type: 'textfield', id: `f${i}`, key: `f${i}` }))),
    );
    // then
    expect(notAForm.problems[0]?.message).toContain('not a Camunda form');
    expect(duplicate.problems).toEqual([
      { componentId: 'b', componentType: 'number', message: "the key 'x' is used twice" },
    ]);
    expect(tooDeep.problems[0]?.message).toContain('nest deeper than 16 levels');
    expect(tooMany.problems).toHaveLength(1);
    let nested: unknown = 'x';
    for (let i = 0; i < 100_000; i += 1) nested = [nested];
    const deepDefault = convertFormJs(form([{ type: 'textfield', id: 'd', key: 'd', defaultValue: nested }]));
    expect(deepDefault.problems.map((p) => p.componentId)).toEqual(['d']);
    const longId = convertFormJs(form([{ type: 'iframe', id: 'i'.repeat(10_000) }]));
    expect(longId.problems[0]?.componentId).toBe(`${'i'.repeat(100)}…`);
    expect(tooMany.problems[0]?.message).toContain('more than 1000 components');
  });
});
