// @tessera/verify/hono: the Hono 4 middleware plus the framework-neutral API.
export { type HonoAuth, type TesseraEnv, tesseraHono } from './adapters/hono.js';
export * from './index.js';
