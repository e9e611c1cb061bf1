import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

describe.each(dialects())('forms on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let sam: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
  });
  afterAll(async () => t?.close());

  const save = (formId: string, schema: unknown, session = dana) =>
    t.call(session, { method: 'POST', url: '/api/forms', payload: { formId, name: formId, schema } });

  it('saves a draft 2020-12 form and versions every save', async () => {
    // when
    const v1 = await save('leave', { type: 'object', properties: { days: { type: 'integer', minimum: 1 } } });
    const v2 = await save('leave', { type: 'object', properties: { days: { type: 'integer', minimum: 2 } } });
    // then
    expect(v1.json()).toMatchObject({ formId: 'leave', version: 1, createdBy: 'dana' });
    expect(v2.json().version).toBe(2);
    const latest = await t.call(sam, { method: 'GET', url: '/api/forms/leave' });
    const first = await t.call(sam, { method: 'GET', url: '/api/forms/leave?version=1' });
    expect(latest.json().schema.properties.days.minimum).toBe(2);
    expect(first.json().schema.properties.days.minimum).toBe(1);
    const list = await t.call(sam, { method: 'GET', url: '/api/forms' });
    expect(list.json().items.filter((f: { formId: string }) => f.formId === 'leave')).toHaveLength(1);
  });

  it('accepts a draft-07 schema', async () => {
    const res = await save('old-style', {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { name: { type: 'string' } },
      properties: { who: { $ref: '#/definitions/name' } },
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('rejects a broken schema with the pointer of the fault', async () => {
    // when
    const res = await save('broken', {
      type: 'object',
      properties: { age: { type: 'integr' }, n: { minimum: 'x' } },
    });
    // then
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('FORM_SCHEMA_INVALID');
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/schema/properties/age/type', '/schema/properties/n/minimum']),
    );
  });

  it('rejects a schema with a dangling $ref', async () => {
    const res = await save('dangling', { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('FORM_SCHEMA_INVALID');
  });

  it('rejects an unsupported $schema dialect at /schema/$schema', async () => {
    const res = await save('draft4', { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('/schema/$schema');
  });

  it('keeps staff from saving forms', async () => {
    const res = await save('staff-form', { type: 'object' }, sam);
    expect(res.statusCode).toBe(403);
  });

  it('answers 404 for an unknown form or version', async () => {
    expect((await t.call(sam, { method: 'GET', url: '/api/forms/nope' })).statusCode).toBe(404);
    expect((await t.call(sam, { method: 'GET', url: '/api/forms/leave?version=99' })).statusCode).toBe(404);
  });
});
