// The shared parts of the API description: the error body every error answer uses, and the ways
// a caller authenticates (security schemes).
import { API_ERROR_CODES } from '../errors.js';
import { REFRESH_COOKIE } from '../http/refresh-cookie.js';
import { ErrorBody } from '../schemas/fields.js';
import { jsonSchemaOf } from './json-schema.js';

export const ERROR_SCHEMA_REF = '#/components/schemas/Error';

export function errorSchema(): Record<string, unknown> {
  return {
    ...jsonSchemaOf(ErrorBody, 'output'),
    description:
      'Every error answer. `error` is one of the codes below, or at the OAuth endpoints an RFC 6749 §5.2 ' +
      `name (unsupported_grant_type, invalid_target, invalid_scope, unauthorized_client): ${API_ERROR_CODES.join(', ')}. ` +
      '`error_description` is for people, not for programs.',
  };
}

export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An access token from login, refresh or the token endpoint (`Authorization: Bearer ...`). ' +
      'Admin routes need the `admin` role in the token.',
  },
  clientBasic: {
    type: 'http',
    scheme: 'basic',
    description:
      'OAuth client authentication (client_secret_basic): client_id and client_secret, ' +
      'form-urlencoded, then HTTP Basic. The OAuth endpoints also accept client_id and client_secret ' +
      'as body parameters (client_secret_post).',
  },
  refreshCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: REFRESH_COOKIE,
    description:
      'The refresh token cookie set by login (HttpOnly, SameSite=Strict, Path=/v1/auth). A request ' +
      'that uses it must carry an Origin (or Referer) of the issuer or an allowed origin.',
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'TESSERA_METRICS_TOKEN, when set. Without it /metrics answers loopback only (and, outside ' +
      'production, the series that reveal nothing about accounts).',
  },
} as const;
