// @tessera/verify/express: the Express 4/5 middleware plus the framework-neutral API. Its types use
// node:http only, so an Express project compiles without Fastify's or Hono's types.
export { type ExpressAuth, type ExpressMiddleware, tesseraExpress } from './adapters/express.js';
export * from './index.js';
