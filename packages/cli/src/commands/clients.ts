// `tessera clients create|list|rotate-secret|disable|delete`: OAuth clients (service-to-service
// tokens, token exchange, the revocation feed, introspection) in the configured database, with the
// admin API's rules. A secret is printed once and stored hashed; disabling or deleting a client
// revokes its live tokens.
import { readFileSync } from 'node:fs';
import {
  type AppContext,
  CLIENT_AUTH_METHODS,
  CLIENT_GRANT_TYPES,
  type ClientAdminDeps,
  changeClient,
  clientSettingsSchema,
  deleteClient,
  describeClient,
  registerClient,
  rotateClientSecret,
} from '@tessera/server';
import { type Command, EXIT_OK, type Io, UsageError } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';
import { withServerContext } from './users.js';

const DB_OPTION = { 'database-url': { type: 'string' } } as const;

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function deps(ctx: AppContext): ClientAdminDeps {
  return {
    clients: ctx.stores.clients,
    revocations: ctx.services.revocations,
    audit: ctx.services.audit,
    clock: ctx.clock,
  };
}

function readJwks(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read --jwks ${file} as JSON`, { cause: err });
  }
}

function printSecret(io: Io, json: boolean | undefined, described: object, secret: string | undefined) {
  const id = (described as { client_id: string }).client_id;
  if (json)
    io.out(JSON.stringify({ ...described, ...(secret !== undefined ? { client_secret: secret } : {}) }));
  else {
    io.out(`client_id:     ${id}`);
    if (secret !== undefined) {
      io.out(`client_secret: ${secret}`);
      io.err('store the secret now: it is not kept and cannot be shown again');
    }
  }
}

export const clientsCreate: Command = {
  name: 'clients create',
  summary: 'create an OAuth client (its secret is shown once)',
  usage: `Usage: tessera clients create NAME [--scopes S1,S2] [--audiences A1,A2] [--grant-types G1,G2]
                              [--auth-method METHOD] [--jwks FILE | --jwks-uri URL] [--database-url URL] [--json]

Creates a client and prints its client_id and (for secret methods) client_secret. The secret is
not stored (only its SHA-256) and cannot be shown again.

Options:
  --scopes       scopes the client may hold: free words (the server's own: revocations:read,
                 introspect, revoke)
  --audiences    audiences it may request (client_credentials, token exchange)
  --grant-types  ${CLIENT_GRANT_TYPES.join(', ')} (default client_credentials)
  --auth-method  ${CLIENT_AUTH_METHODS.join(', ')} (default client_secret_basic)
  --jwks FILE    private_key_jwt: the client's public JWKS
  --jwks-uri URL private_key_jwt: where the server fetches the client's public JWKS
  --json         print {"client_id", "client_secret", "name", "scopes", "audiences", ...}

Examples:
  tessera clients create orders-verifier --scopes revocations:read
  tessera clients create gateway --audiences orders-api \\
      --grant-types urn:ietf:params:oauth:grant-type:token-exchange`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      scopes: { type: 'string' },
      audiences: { type: 'string' },
      'grant-types': { type: 'string' },
      'auth-method': { type: 'string' },
      jwks: { type: 'string' },
      'jwks-uri': { type: 'string' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    const name = onePositional(positionals, 'name');
    if (name === undefined || name.length > 100)
      throw new UsageError('NAME is required (at most 100 characters)');
    const parsed = clientSettingsSchema.safeParse({
      name,
      scopes: list(values.scopes),
      audiences: list(values.audiences),
      grant_types: list(values['grant-types']),
      token_endpoint_auth_method: values['auth-method'],
      jwks: values.jwks === undefined ? undefined : readJwks(values.jwks),
      jwks_uri: values['jwks-uri'],
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const option = {
        grant_types: 'grant-types',
        token_endpoint_auth_method: 'auth-method',
        jwks_uri: 'jwks-uri',
      }[String(issue?.path[0])];
      throw new UsageError(
        `--${option ?? String(issue?.path[0] ?? 'option')}: ${issue?.message ?? 'invalid value'}`,
      );
    }
    return withServerContext(io, values['database-url'], async (ctx) => {
      const { client, secret } = await registerClient(deps(ctx), parsed.data, 'cli');
      printSecret(io, values.json, describeClient(client), secret);
      return EXIT_OK;
    });
  },
};

export const clientsList: Command = {
  name: 'clients list',
  summary: 'list OAuth clients (never their secrets)',
  usage: `Usage: tessera clients list [--database-url URL] [--json]

Lists client ids, names, scopes, audiences and grant types.`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, ...DB_OPTION });
    onePositional(positionals, 'argument', 0);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const clients = (await ctx.stores.clients.list()).map(describeClient);
      if (values.json) io.out(JSON.stringify({ clients }));
      else if (clients.length === 0) io.out('no clients');
      else {
        for (const c of clients) {
          io.out(
            `${c.client_id}  ${c.name}  scopes=${c.scopes.join(',') || '-'}  audiences=${c.audiences.join(',') || '-'}  grants=${c.grant_types.join(',')}  auth=${c.token_endpoint_auth_method}${c.disabled ? '  DISABLED' : ''}`,
          );
        }
      }
      return EXIT_OK;
    });
  },
};

function clientIdOf(positionals: string[]): string {
  const id = onePositional(positionals, 'client id');
  if (id === undefined) throw new UsageError('give the client id (tessera clients list shows them)');
  return id;
}

export const clientsRotateSecret: Command = {
  name: 'clients rotate-secret',
  summary: "replace a client's secret (the new one is shown once; the old one stops working)",
  usage: `Usage: tessera clients rotate-secret CLIENT_ID [--database-url URL] [--json]

Issues a new secret and prints it once; the old secret stops working at once. Tokens already
issued stay valid until they expire (disable the client to cut them).`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, ...DB_OPTION });
    const id = clientIdOf(positionals);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const { client, secret } = await rotateClientSecret(deps(ctx), id, 'cli');
      printSecret(io, values.json, { client_id: client.id }, secret);
      return EXIT_OK;
    });
  },
};

export const clientsDisable: Command = {
  name: 'clients disable',
  summary: 'disable a client and revoke its live tokens (--enable to undo)',
  usage: `Usage: tessera clients disable CLIENT_ID [--enable] [--database-url URL] [--json]

Disables the client: it cannot authenticate any more, and its live access tokens are revoked on
every instance and every verifier following the revocation feed. --enable turns it back on.`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      enable: { type: 'boolean' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    const id = clientIdOf(positionals);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const client = await changeClient(deps(ctx), id, { disabled: !values.enable }, 'cli');
      const described = describeClient(client);
      if (values.json) io.out(JSON.stringify(described));
      else
        io.out(
          `${described.client_id}  ${described.disabled ? 'disabled (live tokens revoked)' : 'enabled'}`,
        );
      return EXIT_OK;
    });
  },
};

export const clientsDelete: Command = {
  name: 'clients delete',
  summary: 'delete a client and revoke its live tokens',
  usage: `Usage: tessera clients delete CLIENT_ID [--database-url URL]

Deletes the client for good and revokes its live access tokens.`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { ...DB_OPTION });
    const id = clientIdOf(positionals);
    return withServerContext(io, values['database-url'], async (ctx) => {
      await deleteClient(deps(ctx), id, 'cli');
      io.out(`${id}  deleted (live tokens revoked)`);
      return EXIT_OK;
    });
  },
};
