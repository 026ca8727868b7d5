// Query-string and path-parameter validation for the operations routes: a zod schema, and a 400
// naming the first bad parameter (the body helper in plugins/validation.ts does the same for JSON).
import type { ZodType } from 'zod';
import { badRequest } from '../errors.js';

export function parseQuery<T>(query: unknown, schema: ZodType<T>): T {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.map(String).join('.') : 'query';
  throw badRequest(`${field}: ${issue?.message ?? 'invalid value'}`);
}
