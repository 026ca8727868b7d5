// Routes declare their request and response schemas to Fastify as zod schemas. This is the type
// provider (handlers see typed `request.body`, `request.query`, `request.params`) and the two
// compilers: validation answers 400 naming the first bad field, as every route did by hand before;
// serialization is JSON.stringify (the response schemas describe the API; they are not re-checked on
// every response, which would cost the hot paths a zod parse each).
import type {
  FastifyInstance,
  FastifySchemaCompiler,
  FastifySerializerCompiler,
  FastifyTypeProvider,
  preValidationHookHandler,
} from 'fastify';
import type { ZodType, z } from 'zod';
import { badRequest } from '../errors.js';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends ZodType ? z.input<this['schema']> : unknown;
}

// Body schemas for which "no body at all" means `{}` (logout, refresh, key rotation).
const optionalBodies = new WeakSet<ZodType>();

/** Marks a body schema as optional: a request without a body validates as `{}`. */
export function optionalBody<T extends ZodType>(schema: T): T {
  optionalBodies.add(schema);
  return schema;
}

/** Whether a request may leave this body out (the API description says so). */
export function isOptionalBody(schema: ZodType): boolean {
  return optionalBodies.has(schema);
}

function firstIssue(error: z.ZodError, part: string): string {
  const issue = error.issues[0];
  const field = issue?.path.length ? issue.path.map(String).join('.') : part;
  return `${field}: ${issue?.message ?? 'invalid value'}`;
}

export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> = ({ schema, httpPart }) => {
  if (httpPart === 'body') {
    const optional = optionalBodies.has(schema);
    return (data: unknown) => {
      if (data === undefined && optional) data = {};
      // (a request without any body is filled in before validation: fillAbsentBody)
      if (data === undefined || data === null || typeof data !== 'object' || Array.isArray(data)) {
        return { error: badRequest('the request body must be a JSON object') };
      }
      const result = schema.safeParse(data);
      return result.success
        ? { value: result.data }
        : { error: badRequest(firstIssue(result.error, 'body')) };
    };
  }
  const part = httpPart === 'params' ? 'params' : 'query';
  return (data: unknown) => {
    const result = schema.safeParse(data ?? {});
    return result.success ? { value: result.data } : { error: badRequest(firstIssue(result.error, part)) };
  };
};

export const jsonSerializerCompiler: FastifySerializerCompiler<ZodType> = () => (data) =>
  JSON.stringify(data);

// A request that sent no body at all (no Content-Type) validates an optional body as `{}`; a JSON
// `null` still fails, as any non-object body does.
const fillAbsentBody: preValidationHookHandler = (request, _reply, done) => {
  if (request.body == null && request.headers['content-type'] === undefined) request.body = {};
  done();
};

/** Installs the compilers on the root instance (app.ts), before any route is registered. */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  app.addHook('onRoute', (route) => {
    const body = route.schema?.body as ZodType | undefined;
    if (!body || !optionalBodies.has(body)) return;
    const hooks = route.preValidation;
    route.preValidation = hooks === undefined ? [fillAbsentBody] : [...[hooks].flat(), fillAbsentBody];
  });
}

/** The instance typed with the zod provider: `routeSchema(app).post(url, { schema }, handler)`. */
export function routeSchema(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}
