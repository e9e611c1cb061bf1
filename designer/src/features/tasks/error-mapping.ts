import type { FieldError } from '../../api/types.js';

/** rjsf's ErrorSchema shape: nested by property, messages in `__errors`. */
export interface ErrorTree {
  __errors?: string[];
  [key: string]: ErrorTree | string[] | undefined;
}

/** Decodes one RFC 6901 segment (`~1` is `/`, `~0` is `~`). */
function decodeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `/items/0/name` -> ['items', '0', 'name']; `` and `/` -> [] (the whole form). */
export function pointerToPath(pointer: string): string[] {
  const clean = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (clean === '' || clean === '/') return [];
  return clean.replace(/^\//, '').split('/').map(decodeSegment);
}

const MISSING_PROPERTY = /required property ['"]([^'"]+)['"]/;

/**
 * Maps the server's form errors (`{ pointer, message }`) onto rjsf `extraErrors`, so each message
 * shows under its field. A "required property" error on an object is moved onto that property,
 * where the user will look for it.
 */
export function errorsToExtraErrors(errors: readonly FieldError[]): ErrorTree {
  const root: ErrorTree = {};
  for (const error of errors) {
    const path = pointerToPath(error.pointer);
    const missing = MISSING_PROPERTY.exec(error.message)?.[1];
    if (missing) path.push(missing);
    let node = root;
    for (const segment of path) {
      const next = node[segment];
      if (next && !Array.isArray(next)) node = next;
      else {
        const created: ErrorTree = {};
        node[segment] = created;
        node = created;
      }
    }
    node.__errors = [...(node.__errors ?? []), error.message];
  }
  return root;
}
