// Response bodies that are not JSON (Prometheus text, server-sent events, HTML): the schema is
// marked with its media type so the API description (openapi/) says what the route really sends.
import type { ZodType } from 'zod';

const mediaTypes = new WeakMap<ZodType, string>();

/** Marks `schema` as describing a body of `type` rather than JSON. */
export function withMediaType<T extends ZodType>(schema: T, type: string): T {
  mediaTypes.set(schema, type);
  return schema;
}

/** The media type a schema was marked with, if any. */
export function mediaTypeOf(schema: ZodType): string | undefined {
  return mediaTypes.get(schema);
}
