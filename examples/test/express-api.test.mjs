// examples/express-api against a real auth server: 401 / 200 / tampered / 403 / admin / revoked.
import { fileURLToPath } from 'node:url';
import { apiExampleSuite } from '../support/api-example-suite.mjs';

apiExampleSuite('express-api', fileURLToPath(new URL('../express-api/server.mjs', import.meta.url)));
