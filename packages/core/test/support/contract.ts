// The tests reach the engine only through its public entry point, packages/core/src/index.ts.
// This file re-exports what they use, plus a structural error type for assertions.
import { type ErrorCode, TesseraError } from '../../src/index.js';

export {
  type Alg,
  createKeySet,
  createSigner,
  createVerifier,
  decodeToken,
  type ErrorCode,
  exportJwk,
  generateKey,
  importJwks,
  importKey,
  type JwsHeader,
  type JwtPayload,
  type KeySet,
  publicKeyOf,
  TesseraError,
  type TesseraKey,
  type Verifier,
  type VerifierOptions,
} from '../../src/index.js';

/** A TesseraError seen from a test: `claim`/`reason` exist on the claim-related subclasses. */
export interface TesseraErrorLike extends Error {
  readonly code: ErrorCode;
  readonly claim?: string;
  readonly reason?: string;
}

/** A real instance of the engine's base class (not merely an Error with a `code`). */
export const isTesseraError = (err: unknown): err is TesseraErrorLike => err instanceof TesseraError;
