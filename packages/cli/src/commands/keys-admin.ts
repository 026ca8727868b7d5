// `tessera keys list|rotate|revoke|export|rewrap`: the server's stored keyring in the configured
// database.
// `keys generate` (a standalone key file) is in keys-generate.ts.
import { DomainError, RewrapError, revokeSigningKey, rewrapStoredKeys } from '@tessera/server';
import { CliError, type Command, EXIT_BAD, EXIT_OK, UsageError } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';
import { withServerContext } from './users.js';

const DB_OPTION = { 'database-url': { type: 'string' } } as const;
const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export const keysList: Command = {
  name: 'keys list',
  summary: "list the server's signing keys and their rotation states",
  usage: `Usage: tessera keys list [--database-url URL] [--json]

Lists the keys of the configured database: kid, algorithm, state (next, active, retiring,
retired, revoked) and when each state began. Never prints private material.

Options:
  --json   print {"keys": [{kid, alg, state, created_at, activated_at, retiring_at, retired_at}]}`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, ...DB_OPTION });
    onePositional(positionals, 'argument', 0);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const keys = await ctx.services.keys.list();
      if (values.json) {
        io.out(
          JSON.stringify({
            keys: keys.map((k) => ({
              kid: k.kid,
              alg: k.alg,
              state: k.state,
              created_at: k.createdAt,
              activated_at: k.activatedAt,
              retiring_at: k.retiringAt,
              retired_at: k.retiredAt,
            })),
          }),
        );
      } else {
        for (const k of keys) {
          io.out(
            `${k.kid}  ${k.alg}  ${k.state.padEnd(8)}  created ${iso(k.createdAt)}  active ${iso(k.activatedAt)}  retiring ${iso(k.retiringAt)}`,
          );
        }
      }
      return EXIT_OK;
    });
  },
};

export const keysRotate: Command = {
  name: 'keys rotate',
  summary: 'emergency rotation: a new key signs from now on',
  usage: `Usage: tessera keys rotate [--database-url URL] [--json]

Makes a new active key now; the previous one stays published as retiring until every token it
signed has expired. Running servers pick the new key up within a few seconds (they re-read the
keyring every 2 s). Safe to run while servers rotate on schedule: the rotation lock makes one key.

Options:
  --json   print {"kid": NEW, "previous": OLD}`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, ...DB_OPTION });
    onePositional(positionals, 'argument', 0);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const before = (await ctx.services.keys.list()).find((k) => k.state === 'active')?.kid ?? null;
      let kid: string;
      try {
        kid = await ctx.services.keys.rotateNow('cli');
      } catch (err) {
        // HS algorithms have no keyring: the secret is the key.
        throw new UsageError((err as Error).message, { cause: err });
      }
      if (values.json) io.out(JSON.stringify({ kid, previous: before }));
      else io.out(`rotated: ${kid} signs now${before ? `; ${before} is retiring` : ''}`);
      return EXIT_OK;
    });
  },
};

export const keysRevoke: Command = {
  name: 'keys revoke',
  summary: 'kill a leaked signing key now: out of the JWKS, its tokens refused',
  usage: `Usage: tessera keys revoke KID [--database-url URL] [--json]

For a leaked private key. The key leaves the JWKS and stops verifying; its kid goes on the
revocation feed (GET /v1/revocations and its stream), so running servers refuse the tokens it
signed within a second (they poll the feed every 500 ms) and so does every @tessera/verify that
follows the feed, before any JWKS cache expires. If it was the active key, a new active key is
made first. Every user holding a token signed by it must sign in again or refresh. Audited as
key_revoked. Revoking a key already revoked changes nothing.

Options:
  --json   print {"kid": KID, "state": "revoked", "previous_state": STATE, "active_kid": KID}`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, ...DB_OPTION });
    const kid = onePositional(positionals, 'kid');
    if (kid === undefined || kid === '')
      throw new UsageError('keys revoke needs the KID of the key to revoke');
    return withServerContext(io, values['database-url'], async (ctx) => {
      let revoked: Awaited<ReturnType<typeof revokeSigningKey>>;
      try {
        revoked = await revokeSigningKey(ctx.services, kid, 'cli');
      } catch (err) {
        // An unknown kid, or an HS algorithm (no keyring: the secret is the key).
        if (err instanceof DomainError || (err as Error).name === 'KeyRotationUnsupportedError') {
          throw new UsageError((err as Error).message, { cause: err });
        }
        throw err;
      }
      if (values.json) {
        io.out(
          JSON.stringify({
            kid: revoked.kid,
            state: 'revoked',
            previous_state: revoked.previousState,
            active_kid: revoked.activeKid,
          }),
        );
      } else if (revoked.alreadyRevoked) {
        io.out(`${kid} was already revoked; ${revoked.activeKid} signs`);
      } else {
        io.out(
          `revoked: ${kid} (was ${revoked.previousState}) is out of the JWKS and on the revocation feed; ${revoked.activeKid} signs`,
        );
      }
      return EXIT_OK;
    });
  },
};

export const keysExport: Command = {
  name: 'keys export',
  summary: 'print the public JWKS (what /.well-known/jwks.json serves)',
  usage: `Usage: tessera keys export [--database-url URL]

Prints the public JWK Set of the configured database (next, active and retiring keys), e.g. to
give a verifier that cannot reach the server a static key file. Never prints private keys.

Example:
  tessera keys export > jwks.json`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, ...DB_OPTION });
    onePositional(positionals, 'argument', 0);
    return withServerContext(io, values['database-url'], async (ctx) => {
      io.out(JSON.stringify(ctx.services.keys.jwks(), null, 2));
      return EXIT_OK;
    });
  },
};

export const keysRewrap: Command = {
  name: 'keys rewrap',
  summary: 're-encrypt every stored private key under the current master key',
  usage: `Usage: tessera keys rewrap [--database-url URL] [--json]

Re-seals every stored private key under TESSERA_MASTER_KEY, opening the ones sealed under an older
key with TESSERA_MASTER_KEY_PREVIOUS (or TESSERA_MASTER_KEY_PREVIOUS_FILE). Servers keep running:
each row is replaced atomically and stays readable by every instance that holds both keys.

Switching master keys without downtime:
  1. every instance: TESSERA_MASTER_KEY=OLD  TESSERA_MASTER_KEY_PREVIOUS=NEW   (restart one by one)
  2. every instance: TESSERA_MASTER_KEY=NEW  TESSERA_MASTER_KEY_PREVIOUS=OLD   (restart one by one)
  3. TESSERA_MASTER_KEY=NEW TESSERA_MASTER_KEY_PREVIOUS=OLD tessera keys rewrap
  4. every instance: remove TESSERA_MASTER_KEY_PREVIOUS (restart one by one)

Exit 1 if a key opens with none of the master keys given (it names the kids).

Options:
  --json   print {"master_key_id": ID, "rewrapped": [KID...], "unchanged": [KID...]}`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, ...DB_OPTION });
    onePositional(positionals, 'argument', 0);
    return withServerContext(io, values['database-url'], async (ctx) => {
      let result: Awaited<ReturnType<typeof rewrapStoredKeys>>;
      try {
        result = await rewrapStoredKeys(ctx);
      } catch (err) {
        if (err instanceof RewrapError) throw new CliError(err.message, EXIT_BAD, { cause: err });
        throw err;
      }
      if (values.json) {
        io.out(
          JSON.stringify({
            master_key_id: result.masterKeyId,
            rewrapped: result.rewrapped,
            unchanged: result.unchanged,
          }),
        );
      } else {
        io.out(
          `rewrapped ${result.rewrapped.length} key(s) under master key ${result.masterKeyId}; ${result.unchanged.length} already were`,
        );
      }
      return EXIT_OK;
    });
  },
};
