import { describe, expect, it } from 'vitest';
import { buildForm, checkFields, type FieldDef, formLevelUi, newField, parseForm } from './field-model.js';

function field(kind: FieldDef['kind'], patch: Partial<FieldDef> = {}): FieldDef {
  return { ...newField(kind), ...patch };
}

describe('buildForm', () => {
  it('builds a required, bounded number field with help text and a default', () => {
    // given
    const fields = [
      field('number', {
        key: 'amount',
        title: 'Amount',
        required: true,
        min: 1,
        max: 5,
        description: 'Euro',
        defaultValue: '3',
      }),
    ];
    // when
    const { schema, uiSchema } = buildForm(fields, 'Expense');
    // then
    expect(schema).toEqual({
      title: 'Expense',
      type: 'object',
      properties: {
        amount: { type: 'number', title: 'Amount', description: 'Euro', default: 3, minimum: 1, maximum: 5 },
      },
      required: ['amount'],
    });
    expect(uiSchema['ui:order']).toEqual(['amount', '*']);
  });

  it('maps each kind to its JSON Schema shape and widget', () => {
    const { schema, uiSchema } = buildForm([
      field('textarea', { key: 'notes', min: 2, max: 10, pattern: '^[a-z]+$' }),
      field('date', { key: 'due' }),
      field('select', { key: 'size', options: ['s', 'm'] }),
      field('multiselect', { key: 'tags', options: ['a', 'b'], defaultValue: 'a, b' }),
      field('checkbox', { key: 'ok', defaultValue: 'true' }),
      field('email', { key: 'mail' }),
      field('url', { key: 'link' }),
      field('user', { key: 'owner', readOnly: true }),
    ]);
    const props = schema.properties as Record<string, unknown>;
    expect(props.notes).toEqual({ type: 'string', minLength: 2, maxLength: 10, pattern: '^[a-z]+$' });
    expect(props.due).toEqual({ type: 'string', format: 'date' });
    expect(props.size).toEqual({ type: 'string', enum: ['s', 'm'] });
    expect(props.tags).toEqual({
      type: 'array',
      items: { type: 'string', enum: ['a', 'b'] },
      uniqueItems: true,
      default: ['a', 'b'],
    });
    expect(props.ok).toEqual({ type: 'boolean', default: true });
    expect(props.mail).toEqual({ type: 'string', format: 'email' });
    expect(props.link).toEqual({ type: 'string', format: 'uri' });
    expect(props.owner).toEqual({ type: 'string', readOnly: true });
    expect(uiSchema.notes).toEqual({ 'ui:widget': 'textarea' });
    expect(uiSchema.tags).toEqual({ 'ui:widget': 'checkboxes' });
    expect(uiSchema.owner).toEqual({ 'ui:widget': 'user' });
  });

  it('builds a repeating group as an array of objects and a nested group as an object', () => {
    const { schema, uiSchema } = buildForm([
      field('repeat', {
        key: 'actions',
        min: 1,
        children: [field('text', { key: 'what', required: true }), field('user', { key: 'owner' })],
      }),
      field('group', { key: 'address', children: [field('text', { key: 'city' })] }),
    ]);
    const props = schema.properties as Record<string, unknown>;
    expect(props.actions).toEqual({
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { what: { type: 'string' }, owner: { type: 'string' } },
        required: ['what'],
      },
    });
    expect(props.address).toEqual({ type: 'object', properties: { city: { type: 'string' } } });
    expect(uiSchema.actions).toEqual({
      items: { owner: { 'ui:widget': 'user' }, 'ui:order': ['what', 'owner', '*'] },
    });
  });
});

describe('parseForm', () => {
  it('reads a built form back into the same fields', () => {
    // given
    const original = [
      field('text', { key: 'name', title: 'Name', required: true, max: 40 }),
      field('multiselect', { key: 'tags', options: ['x', 'y'] }),
      field('repeat', { key: 'items', children: [field('number', { key: 'qty', min: 1 })] }),
    ];
    const { schema, uiSchema } = buildForm(original);
    // when
    const parsed = parseForm(schema, uiSchema);
    // then
    const strip = (fields: FieldDef[]): unknown =>
      fields.map(({ uid: _uid, children, ...rest }) => ({ ...rest, children: strip(children) }));
    expect(strip(parsed)).toEqual(strip(original));
  });
});

describe('checkFields', () => {
  it('reports duplicate names, bad names, empty options, invalid patterns and patterns RE2 cannot run', () => {
    const problems = checkFields([
      field('text', { key: 'a' }),
      field('text', { key: 'a' }),
      field('text', { key: '1bad' }),
      field('select', { key: 's', options: [] }),
      field('text', { key: 'p', pattern: '([' }),
      field('text', { key: 'q', pattern: '^(a)\\1$' }),
      field('text', { key: 'r', pattern: '^(?!x)' }),
      field('text', { key: 'ok', pattern: '^(a+)+$' }),
    ]);
    expect(problems).toEqual([
      'a: duplicate name',
      '1bad: invalid name',
      's: no options',
      'p: invalid pattern',
      'q: pattern uses backreferences or lookarounds, which are not supported',
      'r: pattern uses backreferences or lookarounds, which are not supported',
    ]);
  });
});

describe('form-level uiSchema settings', () => {
  it('keeps what the builder does not edit (prefill, context, headline) through a rebuild', () => {
    // given a form whose uiSchema declares what it prefills and shows as context
    const uiSchema = {
      'ui:order': ['decision', '*'],
      'ui:prefill': ['decision'],
      'ui:context': ['proposal'],
      'ui:headline': ['title'],
      decision: { 'ui:widget': 'radio' },
    };
    // when the builder rebuilds the uiSchema from its fields
    const fields = parseForm(
      { type: 'object', properties: { decision: { type: 'string', enum: ['a', 'b'] } } },
      uiSchema,
    );
    const rebuilt = { ...formLevelUi(uiSchema), ...buildForm(fields).uiSchema };
    // then the form-level settings are still there, and the order is the builder's own
    expect(formLevelUi(uiSchema)).toEqual({
      'ui:prefill': ['decision'],
      'ui:context': ['proposal'],
      'ui:headline': ['title'],
    });
    expect(rebuilt).toMatchObject({
      'ui:prefill': ['decision'],
      'ui:context': ['proposal'],
      'ui:headline': ['title'],
    });
    expect(rebuilt['ui:order']).toEqual(['decision', '*']);
  });
});
