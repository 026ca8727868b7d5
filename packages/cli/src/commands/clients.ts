// `tessera clients create|list`: OAuth clients (service-to-service tokens, the revocation feed,
// introspection) in the configured database. The secret is printed once and stored hashed.
import { CLIENT_SCOPES, createClient, describeClient } from '@tessera/server';
import { type Command, EXIT_OK, UsageError } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';
import { withServerContext } from './users.js';

const DB_OPTION = { 'database-url': { type: 'string' } } as const;

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const clientsCreate: Command = {
  name: 'clients create',
  summary: 'create an OAuth client (its secret is shown once)',
  usage: `Usage: tessera clients create NAME [--scopes S1,S2] [--audiences A1,A2] [--database-url URL] [--json]

Creates a client and prints its client_id and client_secret. The secret is not stored (only its
SHA-256) and cannot be shown again.

Options:
  --scopes      ${CLIENT_SCOPES.join(', ')}
  --audiences   audiences the client may request with grant_type=client_credentials
  --json        print {"client_id", "client_secret", "name", "scopes", "audiences", ...}

Example:
  tessera clients create orders-verifier --scopes revocations:read`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      scopes: { type: 'string' },
      audiences: { type: 'string' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    const name = onePositional(positionals, 'name');
    if (name === undefined || name.length > 100)
      throw new UsageError('NAME is required (at most 100 characters)');
    const scopes = list(values.scopes);
    for (const s of scopes) {
      if (!(CLIENT_SCOPES as readonly string[]).includes(s)) {
        throw new UsageError(`unknown scope '${s}' (scopes: ${CLIENT_SCOPES.join(', ')})`);
      }
    }
    const audiences = list(values.audiences);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const { client, secret } = await createClient(
        ctx.stores.clients,
        { name, scopes, audiences },
        ctx.clock.now(),
      );
      if (values.json) io.out(JSON.stringify({ ...describeClient(client), client_secret: secret }));
      else {
        io.out(`client_id:     ${client.id}`);
        io.out(`client_secret: ${secret}`);
        io.err('store the secret now: it is not kept and cannot be shown again');
      }
      return EXIT_OK;
    });
  },
};

export const clientsList: Command = {
  name: 'clients list',
  summary: 'list OAuth clients (never their secrets)',
  usage: `Usage: tessera clients list [--database-url URL] [--json]

Lists client ids, names, scopes and audiences.`,
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
            `${c.client_id}  ${c.name}  scopes=${c.scopes.join(',') || '-'}  audiences=${c.audiences.join(',') || '-'}${c.disabled ? '  DISABLED' : ''}`,
          );
        }
      }
      return EXIT_OK;
    });
  },
};
