import { allSchemas } from '@baton/schemas';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { addFormats } from '../util/ajv-formats.js';
import type { FastifyInstance, FastifySchema } from 'fastify';

function routeAjv(coerceTypes: boolean | 'array'): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allowUnionTypes: true,
    strict: false,
  });
  addFormats(ajv);
  for (const schema of allSchemas) ajv.addSchema(schema);
  return ajv;
}

/**
 * Registers every shared schema once and validates requests with Ajv 2020-12 (which reads
 * draft-07 style schemas too). Querystrings and params are coerced from text; bodies are not.
 */
export function registerSchemas(app: FastifyInstance): void {
  for (const schema of allSchemas) app.addSchema(schema);
  const bodyAjv = routeAjv(false);
  const textAjv = routeAjv('array');
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv;
    return ajv.compile(schema as FastifySchema & object);
  });
}
