/** A JSON value, as variables hold them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Variables = Record<string, JsonValue>;
