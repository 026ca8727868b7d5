// @tessera/verify: check Tessera access tokens locally in resource services.
// This entry is framework-neutral (node:http and forward-auth included). Each framework's middleware
// has its own entry that re-exports this one: @tessera/verify/express, /fastify, /hono and /node,
// so a project's types never reach a framework it does not install.

export {
  type AuthedHandler,
  type AuthedRequest,
  createNodeAuth,
  type NodeAuth,
  sendDenial,
} from './adapters/node-http.js';
export { type Actor, type AuthInfo, stringList, toAuthInfo } from './auth-info.js';
export {
  type AccessRules,
  type AuthOptions,
  type AuthOutcome,
  authenticateAsync,
  authenticateSync,
  challenge,
  checkAccess,
  type Denial,
  denialFor,
  type FailureInfo,
  type TokenVerifier,
} from './authenticate.js';
export {
  InsufficientScope,
  JwksFetchFailed,
  JwksNotReady,
  JwksTimeout,
  RevocationsFetchFailed,
  RevocationsStale,
  VERIFY_ERROR_CODES,
  VerifyError,
  type VerifyErrorCode,
} from './errors.js';
export {
  type Extracted,
  type ExtractOptions,
  extractToken,
  type RequestParts,
  readCookie,
} from './extract.js';
export {
  authorizeRequest,
  authorizeRequestAsync,
  createForwardAuthHandler,
  type ForwardAuthOptions,
  type ForwardAuthResult,
  identityHeaders,
} from './forward-auth.js';
export { createRemoteJwks, type JwksState, type RemoteJwks, type RemoteJwksOptions } from './remote-jwks.js';
export {
  createRevocationStore,
  type RevocationEntry,
  type RevocationStore,
  type RevocationStoreOptions,
} from './revocation-store.js';
export {
  createRevocationFeed,
  type RevocationFeed,
  type RevocationFeedOptions,
  type RevocationFeedState,
} from './revocations.js';
export { type SseEvent, SseParser } from './sse.js';
export { assertStepUpRules, checkStepUp, type StepUpDenial, type StepUpRules } from './step-up.js';
export {
  type Delegation,
  isServiceToken,
  type TokenKind,
  type TokenKindRules,
  tokenKindProblem,
} from './token-kind.js';
export {
  createRemoteVerifier,
  type RemoteVerifier,
  type RemoteVerifierOptions,
  type RemoteVerifierState,
  type RevocationOptions,
  type VerifiedToken,
} from './verifier.js';
