import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import formatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { allSchemas } from '../src/index.js';

const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin);

describe('allSchemas', () => {
  it('gives every schema a unique $id', () => {
    // given
    const ids = allSchemas.map((s) => s.$id);
    // then
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('compiles every schema with draft 2020-12 in strict mode', () => {
    // given
    const ajv = new Ajv2020({
      strictSchema: true,
      strictTypes: true,
      strictTuples: true,
      allowUnionTypes: true,
    });
    addFormats(ajv);
    for (const schema of allSchemas) ajv.addSchema(schema);
    // when / then
    for (const schema of allSchemas) expect(() => ajv.getSchema(schema.$id)).not.toThrow();
  });

  it('rejects a handoff that names neither a user nor a group', () => {
    // given
    const ajv = new Ajv2020({ allowUnionTypes: true });
    addFormats(ajv);
    for (const schema of allSchemas) ajv.addSchema(schema);
    const validate = ajv.getSchema('handoffBody')!;
    // then
    expect(validate({ reason: 'away' })).toBe(false);
    expect(validate({ reason: 'away', toUser: 'kim' })).toBe(true);
    expect(validate({ reason: 'away', toUser: 'kim', toGroup: 'staff' })).toBe(false);
  });
});
