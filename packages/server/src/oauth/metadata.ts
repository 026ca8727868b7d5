// What the server publishes about itself: RFC 8414 authorization-server metadata, and the OpenID
// discovery document that discovery-only clients read. Both list exactly what exists: no
// authorization endpoint (so no response types) and no ID tokens.
import type { Alg } from '@tessera/core';
import { TOKEN_EXCHANGE_GRANT } from './client-admin.js';
import { ASSERTION_ALGORITHMS } from './client-assertion.js';

export const CLIENT_AUTH_METHODS_SUPPORTED = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** RFC 8414 section 2 metadata (plus `revocation_feed_endpoint`, Tessera's own). */
export function authorizationServerMetadata(issuer: string, alg: Alg): Record<string, unknown> {
  const endpointAuth = {
    methods: CLIENT_AUTH_METHODS_SUPPORTED,
    algs: ASSERTION_ALGORITHMS,
  };
  return {
    issuer,
    token_endpoint: `${issuer}/v1/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    introspection_endpoint: `${issuer}/v1/oauth/introspect`,
    revocation_endpoint: `${issuer}/v1/oauth/revoke`,
    revocation_feed_endpoint: `${issuer}/v1/revocations`,
    response_types_supported: [],
    grant_types_supported: ['client_credentials', 'refresh_token', TOKEN_EXCHANGE_GRANT],
    token_endpoint_auth_methods_supported: endpointAuth.methods,
    token_endpoint_auth_signing_alg_values_supported: endpointAuth.algs,
    introspection_endpoint_auth_methods_supported: endpointAuth.methods,
    introspection_endpoint_auth_signing_alg_values_supported: endpointAuth.algs,
    revocation_endpoint_auth_methods_supported: endpointAuth.methods,
    revocation_endpoint_auth_signing_alg_values_supported: endpointAuth.algs,
    access_token_signing_alg_values_supported: [alg],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'sid', 'roles', 'scope', 'client_id', 'act'],
  };
}

/** The OpenID discovery document: the same facts, under the names discovery clients look for. */
export function openIdConfiguration(issuer: string, alg: Alg): Record<string, unknown> {
  return authorizationServerMetadata(issuer, alg);
}
