/**
 * Small builders for JSON Schema 2020-12 objects (the schema dialect of
 * OpenAPI 3.1), so that the document reads like Kong's own entity tables.
 */
export type Schema = { [key: string]: unknown };

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

export const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
export const int = (description: string, extra: Schema = {}): Schema => ({ type: 'integer', description, ...extra });
export const num = (description: string, extra: Schema = {}): Schema => ({ type: 'number', description, ...extra });
export const bool = (description: string, extra: Schema = {}): Schema => ({ type: 'boolean', description, ...extra });
export const arr = (items: Schema, description: string, extra: Schema = {}): Schema => ({ type: 'array', description, items, ...extra });
export const oneOfStrings = (values: readonly string[], description: string, extra: Schema = {}): Schema => ({
  type: 'string', description, enum: [...values], ...extra,
});

/** An object whose properties are all known: no unknown field passes. */
export function obj(properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema {
  return {
    type: 'object',
    ...extra,
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** Kong answers `null` for an optional field that is not set, and accepts `null` to unset it. */
export function nullable(schema: Schema): Schema {
  if ('$ref' in schema) {
    const { description, ...rest } = schema;
    return { ...(description ? { description } : {}), anyOf: [rest, { type: 'null' }] };
  }
  const type = schema.type;
  const out: Schema = { ...schema, type: Array.isArray(type) ? [...type, 'null'] : [type, 'null'] };
  if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
  return out;
}

export const UUID: Schema = { type: 'string', format: 'uuid' };
