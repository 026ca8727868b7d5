export type {
  AudienceClient,
  RefreshTokenStorage,
  TesseraClient,
  TesseraClientOptions,
} from './client.js';
export { createTesseraClient } from './client.js';
export type { ClientEvents } from './emitter.js';
export { SignedOutError, TesseraClientError } from './errors.js';
export { singleFlight } from './single-flight.js';
