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
  lazy(
    'config check',
    'validate the configuration as serve would; list what is unsafe for production',
    async () => {
      return (await import('./config-check.js')).configCheck;
    },
  ),
  keysGenerate,
  // keys list|rotate|export, users, clients: the server's database (operations).
  lazy('keys list', "list the server's signing keys and their rotation states", async () => {
    return (await import('./keys-admin.js')).keysList;
  }),
  lazy('keys rotate', 'emergency rotation: a new key signs from now on', async () => {
    return (await import('./keys-admin.js')).keysRotate;
  }),
  lazy('keys revoke', 'kill a leaked signing key now: out of the JWKS, its tokens refused', async () => {
    return (await import('./keys-admin.js')).keysRevoke;
  }),
  lazy('keys export', 'print the public JWKS (what /.well-known/jwks.json serves)', async () => {
    return (await import('./keys-admin.js')).keysExport;
  }),
  lazy('keys rewrap', 're-encrypt every stored private key under the current master key', async () => {
    return (await import('./keys-admin.js')).keysRewrap;
  }),
  lazy('users create', 'create a user (password from stdin or a file)', async () => {
    return (await import('./users.js')).usersCreate;
  }),
  lazy('users list', 'list users (newest first)', async () => {
    return (await import('./users.js')).usersList;
  }),
  lazy('users set-roles', "replace a user's roles (their live tokens are revoked)", async () => {
    return (await import('./users.js')).usersSetRoles;
  }),
  lazy('users disable', 'disable a user: revoke every session and token (--enable to undo)', async () => {
    return (await import('./users.js')).usersDisable;
  }),
  lazy(
    'users set-claims',
    "replace a user's application claims (in their tokens from the next refresh)",
    async () => {
      return (await import('./users-claims.js')).usersSetClaims;
    },
  ),
  lazy('users import', 'import users from JSON lines (bcrypt, argon2 and PBKDF2 hashes kept)', async () => {
    return (await import('./users-lifecycle.js')).usersImport;
  }),
  lazy('users reset-password', 'mail a password-reset link to a user (or print it with --link)', async () => {
    return (await import('./users-lifecycle.js')).usersResetPassword;
  }),
  lazy(
    'users delete',
    'erase a user: rows, sessions and tokens go; the audit trail keeps the id',
    async () => {
      return (await import('./users-lifecycle.js')).usersDelete;
    },
  ),
  lazy('clients create', 'create an OAuth client (its secret is shown once)', async () => {
    return (await import('./clients.js')).clientsCreate;
  }),
  lazy('clients list', 'list OAuth clients (never their secrets)', async () => {
    return (await import('./clients.js')).clientsList;
  }),
  lazy(
    'clients rotate-secret',
    "replace a client's secret (the new one is shown once; the old one stops working)",
    async () => {
      return (await import('./clients.js')).clientsRotateSecret;
    },
  ),
  lazy('clients disable', 'disable a client and revoke its live tokens (--enable to undo)', async () => {
    return (await import('./clients.js')).clientsDisable;
  }),
  lazy('clients delete', 'delete a client and revoke its live tokens', async () => {
    return (await import('./clients.js')).clientsDelete;
  }),
  tokenDecode,
  tokenSign,
  tokenVerify,
  tokenExplain,
  secretGenerate,
  secretCheck,
  lazy('bench', "run the repository's benchmark suites (core by default; needs a checkout)", async () => {
    return (await import('./bench.js')).bench;
  }),
];
