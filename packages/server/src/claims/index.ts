export {
  type AccessTokenIssuer,
  createAccessTokenIssuer,
  type UserTokenRequest,
} from './access-token-issuer.js';
export { type ClaimsHook, type ClaimsHookInput, loadClaimsHook, runClaimsHook } from './claims-hook.js';
export { claimsProblem, RESERVED_CLAIMS } from './reserved-claims.js';
export { assertStorableClaims, setUserClaims, type UserClaimsDeps } from './user-claims.js';
