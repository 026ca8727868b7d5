// A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), with zod's own converter.
import { type ZodType, z } from 'zod';

export type JsonObject = Record<string, unknown>;

export function isZod(value: unknown): value is ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * `input`: what a client sends (before coercion, defaults and transforms); `output`: what the
 * server sends. Without `$schema`: the document's dialect applies. Refinements (cross-field rules)
 * have no JSON Schema form; the route's 400 message states them. Response objects stay open
 * (no `additionalProperties: false`): adding a field to an answer must not break a client.
 */
export function jsonSchemaOf(schema: ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    ...(io === 'output' ? { override: openObjects } : {}),
  }) as JsonObject;
  delete json.$schema;
  return json;
}

function openObjects({ jsonSchema }: { jsonSchema: { additionalProperties?: unknown } }): void {
  if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
}
