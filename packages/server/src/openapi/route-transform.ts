// Turns a route's zod schemas into the JSON Schema (2020-12, the dialect of OpenAPI 3.1) that
// @fastify/swagger puts in the API description: request parts as the client sends them (`input`:
// before coercion, defaults and transforms), responses as the server sends them (`output`). Every
// error answer points at the one `Error` component, and every operation gets it as its `default`
// response (413, 415, 429 and 500 can happen anywhere). Routes behind requireAuth/requireRole are
// marked bearer-only; routes that authenticate otherwise declare `security` in their own schema.
import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifySchema, RouteOptions } from 'fastify';
import { isBearerHook } from '../plugins/authenticate.js';
import { ErrorBody } from '../schemas/fields.js';
import { mediaTypeOf } from '../schemas/media-types.js';
import { isOptionalBody } from '../schemas/zod-provider.js';
import { ERROR_SCHEMA_REF } from './components.js';
import { isZod, type JsonObject, jsonSchemaOf } from './json-schema.js';

const REQUEST_PARTS = ['body', 'querystring', 'params', 'headers'] as const;

// @fastify/swagger marks every request body required; an operation carrying this extension has an
// optional one (schemas/zod-provider.ts optionalBody), fixed up by `markOptionalBodies`.
const OPTIONAL_BODY = 'x-tessera-optional-body';

// What an error status means here, for the response descriptions.
const ERROR_MEANING: Record<string, string> = {
  400: 'The request is malformed (the description names the field)',
  401: 'Authentication is missing or invalid (see WWW-Authenticate)',
  403: 'Authenticated, but not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'The request body is too large',
  415: 'Unsupported media type',
  429: 'Rate limited (see Retry-After)',
  503: 'Temporarily unavailable',
};

function errorResponse(status: string, description?: string): JsonObject {
  return {
    description: description ?? ERROR_MEANING[status] ?? 'Error',
    content: { 'application/json': { schema: { $ref: ERROR_SCHEMA_REF } } },
  };
}

function responseOf(status: string, schema: unknown): unknown {
  if (!isZod(schema)) return schema;
  if (schema === ErrorBody) return errorResponse(status);
  const description = schema.description ?? ERROR_MEANING[status] ?? 'Success';
  // No body (204, 304, forward-auth's answer in headers): @fastify/swagger omits the content.
  if (schema._zod.def.type === 'undefined') return { type: 'null', description };
  const json = jsonSchemaOf(schema, 'output');
  delete json.description;
  return { description, content: { [mediaTypeOf(schema) ?? 'application/json']: { schema: json } } };
}

/** The URL in the description: a trailing wildcard (/v1/authz/*) becomes a `path` parameter. */
export function documentedUrl(url: string): string {
  return url.endsWith('/*') ? `${url.slice(0, -1)}:path` : url;
}

/** The OpenAPI path of a Fastify route URL (`/v1/sessions/:id` → `/v1/sessions/{id}`). */
export function openApiPathOf(url: string): string {
  return documentedUrl(url).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** `getAdminUsersById` from GET /v1/admin/users/:id: stable names for generated clients. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((part) => part !== '' && part !== 'v1')
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part === '*' ? 'any' : part))
    .flatMap((part) => part.split(/[^a-zA-Z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

/** The tag (section of the rendered docs) of a route, from its path. */
export function tagOf(url: string): string {
  if (url.startsWith('/v1/admin/')) return 'admin';
  if (url.startsWith('/v1/oauth/')) return 'oauth';
  if (url.startsWith('/v1/auth/')) return 'auth';
  if (url.startsWith('/v1/me') || url.startsWith('/v1/sessions')) return 'account';
  if (url.startsWith('/v1/revocations') || url.startsWith('/.well-known/') || url.startsWith('/v1/authz'))
    return 'verifiers';
  return 'operations';
}

export function transformRoute({
  schema,
  url,
  route,
}: {
  schema: FastifySchema;
  url: string;
  route: RouteOptions;
}): { schema: FastifySchema; url: string } {
  const source = (schema ?? {}) as FastifySchema & Record<string, unknown>;
  const out: JsonObject = { ...source };
  for (const part of REQUEST_PARTS) {
    const value = source[part];
    if (isZod(value)) out[part] = jsonSchemaOf(value, 'input');
  }
  if (isZod(source.body) && isOptionalBody(source.body)) out[OPTIONAL_BODY] = true;
  const responses: JsonObject = {};
  for (const [status, value] of Object.entries((source.response ?? {}) as JsonObject)) {
    responses[status] = responseOf(status, value);
  }
  responses.default ??= errorResponse('default', 'An error (any status not listed above)');
  out.response = responses;
  out.tags ??= [tagOf(url)];
  if (out.operationId === undefined && typeof route.method === 'string') {
    out.operationId = operationIdOf(route.method, url);
  }
  if (out.security === undefined && [route.onRequest].flat().some(isBearerHook)) {
    out.security = [{ bearerAuth: [] }];
  }
  return { schema: out as FastifySchema, url: documentedUrl(url) };
}

/** transformObject: optional request bodies are `required: false` (see OPTIONAL_BODY). */
export const markOptionalBodies: SwaggerTransformObject = (documentObject) => {
  if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
  const document = documentObject.openapiObject as { paths?: Record<string, Record<string, JsonObject>> };
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item)) {
      if (operation?.[OPTIONAL_BODY] !== true) continue;
      delete operation[OPTIONAL_BODY];
      const body = operation.requestBody as JsonObject | undefined;
      if (body) body.required = false;
    }
  }
  return documentObject.openapiObject;
};
