import type { ErrorObject } from 'ajv';

/** The JSON pointer an ajv error is about; for a missing or extra property, the property itself. */
export function pointerOf(e: Pick<ErrorObject, 'instancePath' | 'params'>): string {
  const base = e.instancePath ?? '';
  const params = e.params as Record<string, unknown> | undefined;
  const extra = params?.missingProperty ?? params?.additionalProperty ?? params?.unevaluatedProperty;
  return typeof extra === 'string' ? `${base}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}` : base;
}
