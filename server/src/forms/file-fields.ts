import { FILE_FORMAT } from '@baton/schemas';

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The file ids the data gives in file fields (`"format": "baton-file"`), with the JSON pointer of
 * each: the schema is walked beside the data (`properties` by name, `items` for arrays). Fields
 * reached only through `$ref` or combinators are not file fields.
 */
export function fileFields(schema: Json, data: Json, pointer = ''): { pointer: string; id: string }[] {
  if (!isObject(schema)) return [];
  if (schema.format === FILE_FORMAT && typeof data === 'string' && data !== '')
    return [{ pointer, id: data }];
  const found: { pointer: string; id: string }[] = [];
  if (Array.isArray(data) && isObject(schema.items)) {
    data.forEach((item, i) => {
      found.push(...fileFields(schema.items, item, `${pointer}/${i}`));
    });
  } else if (isObject(data) && isObject(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (!(key in data)) continue;
      found.push(...fileFields(sub, data[key], `${pointer}/${escapePointer(key)}`));
    }
  }
  return found;
}
