// @tessera/verify/fastify: the Fastify 5 plugin and hooks plus the framework-neutral API.
export {
  fastifyForwardAuth,
  fastifyRequireAuthentication,
  fastifyRequireRoles,
  fastifyRequireScopes,
  type TesseraFastifyOptions,
  tesseraFastify,
} from './adapters/fastify.js';
export * from './index.js';
