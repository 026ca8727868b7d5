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
