// examples/fastify-api against a real auth server: 401 / 200 / tampered / 403 / admin / revoked.
import { fileURLToPath } from 'node:url';
import { apiExampleSuite } from '../support/api-example-suite.mjs';

apiExampleSuite('fastify-api', fileURLToPath(new URL('../fastify-api/server.mjs', import.meta.url)));
