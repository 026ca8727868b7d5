// Field schemas shared by the routes, with explicit limits: a huge string is a 400, not a slow hash.
import { z } from 'zod';
import { withMediaType } from './media-types.js';

export const emailField = z
  .string({ error: 'must be a string' })
  .min(3, 'is too short')
  .max(254, 'must be at most 254 characters');
export const passwordField = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters');
/** RFC 8707 `resource`: one audience or a list (checked against TESSERA_AUDIENCES by the route). */
export const resourceField = z.union([z.string({ error: 'must be a string' }), z.array(z.string())], {
  error: 'must be a string or an array of strings',
});

export const refreshTokenField = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(512, 'is too long');

/** `{error, error_description}`: every error answer of the API. */
export const ErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/** The token pair of login, refresh and the refresh_token grant. */
export const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string().optional(),
  refresh_expires_in: z.number().int().optional(),
});

/** A 204 answer. */
export const NoContent = z.undefined().describe('no content');

/** The Prometheus text exposition format (/metrics, /v1/admin/metrics). */
export const PrometheusText = withMediaType(
  z.string().describe('Prometheus text exposition format'),
  'text/plain; version=0.0.4',
);
