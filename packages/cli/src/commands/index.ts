// The command registry: main() dispatches on `name` (one or two words); `tessera --help` lists
// them in this order. Commands that import @tessera/server (Fastify, database drivers: seconds to
// load) are registered with lazy(name, summary, load) so that token, keys generate and secret
// commands start fast; their module is imported only when they run or show their help.
import { type CommandEntry, lazy } from '../command.js';
import { keysGenerate } from './keys-generate.js';
import { secretCheck } from './secret-check.js';
import { secretGenerate } from './secret-generate.js';
import { tokenDecode } from './token-decode.js';
import { tokenExplain } from './token-explain.js';
import { tokenSign } from './token-sign.js';
import { tokenVerify } from './token-verify.js';

export const commands: readonly CommandEntry[] = [
  lazy('serve', 'run the auth server (applies pending database migrations first)', async () => {
    return (await import('./serve.js')).serve;
  }),
  lazy('migrate', 'apply pending database migrations (SQLite or PostgreSQL) and exit', async () => {
    return (await import('./migrate.js')).migrate;
  }),
  keysGenerate,
  tokenDecode,
  tokenSign,
  tokenVerify,
  tokenExplain,
  secretGenerate,
  secretCheck,
];
