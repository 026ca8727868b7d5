export {
  CLIENT_AUTH_METHODS,
  CLIENT_GRANT_TYPES,
  type ClientAdminDeps,
  type ClientSettings,
  type ClientSettingsPatch,
  changeClient,
  clientPatchSchema,
  clientSettingsSchema,
  deleteClient,
  registerClient,
  rotateClientSecret,
  TOKEN_EXCHANGE_GRANT,
} from './client-admin.js';
export {
  authenticateClient,
  authenticateClientOrAdmin,
  type Caller,
  clientCredentials,
  invalidClient,
} from './client-auth.js';
export {
  CLIENT_SCOPES,
  type ClientScope,
  createClient,
  describeClient,
  hashClientSecret,
  type NewClient,
  newClientId,
  newClientSecret,
  verifyClientSecret,
} from './client-secrets.js';
export { addFormParser, param } from './form-body.js';
export { authorizationServerMetadata } from './metadata.js';
export { ACCESS_TOKEN_TYPE, exchangeToken } from './token-exchange.js';
export { isDelegatedToken, isServiceToken } from './token-kind.js';
