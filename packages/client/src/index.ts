export type {
  AudienceClient,
  RefreshTokenStorage,
  TesseraClient,
  TesseraClientOptions,
} from './client.js';
export { createTesseraClient } from './client.js';
export type { ClientEvents } from './emitter.js';
export { MfaRequiredError, SignedOutError, TesseraClientError } from './errors.js';
export { singleFlight } from './single-flight.js';
export {
  type FactorProof,
  parseStepUpChallenge,
  type StepUpChallenge,
  type StepUpPrompt,
} from './step-up.js';
