// `tessera users set-claims ID|EMAIL --claims JSON|@FILE [--revoke-tokens]`: the user's application
// claims (added to every access token from the next refresh), with the admin API's rules: reserved
// names and claims that would push a token past TESSERA_TOKEN_MAX_BYTES are refused, naming them.
import { readFileSync } from 'node:fs';
import { describeUser, normalizeEmail, setUserClaims } from '@tessera/server';
import { CliError, type Command, EXIT_BAD, EXIT_OK, UsageError } from '../command.js';
import { parseOptions } from '../lib/args.js';
import { withServerContext } from './users.js';

/** `--claims` as a JSON object: inline JSON, or @FILE to read it from a file. */
export function parseClaimsOption(text: string | undefined): Record<string, unknown> {
  if (text === undefined) throw new UsageError('--claims is required (a JSON object or @FILE)');
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --claims file ${text.slice(1)}`, { cause: err });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (err) {
    throw new UsageError(`--claims is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--claims must be a JSON object, e.g. {"plan":"pro","team_id":42}');
  }
  return parsed as Record<string, unknown>;
}

export const usersSetClaims: Command = {
  name: 'users set-claims',
  summary: "replace a user's application claims (in their tokens from the next refresh)",
  usage: `Usage: tessera users set-claims ID|EMAIL --claims JSON|@FILE [--revoke-tokens] [--database-url URL] [--json]

Replaces the user's application claims: a JSON object added to every access token of the user
from the next refresh, so services decide from the token alone (plan, team, tenant...). '{}'
clears them. Names the server owns (sub, roles, scope, aud, act, ...) are refused, and so are
claims that would make a token larger than TESSERA_TOKEN_MAX_BYTES.

Options:
  --claims JSON|@FILE   the claims as inline JSON, or @path to read them from a file
  --revoke-tokens       revoke the user's live access tokens now, so the new claims apply at once
  --json                print {"user": {...}}

Exit codes: 0 set, 1 refused (reserved name, too large, unknown user), 2 usage or configuration error.

Example:
  tessera users set-claims ana@example.com --claims '{"plan":"pro","team_id":42}'`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      claims: { type: 'string' },
      'revoke-tokens': { type: 'boolean' },
      json: { type: 'boolean' },
      'database-url': { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('give the user (id or email)');
    const who = positionals[0] as string;
    const claims = parseClaimsOption(values.claims);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const user = who.includes('@')
        ? await ctx.stores.users.findByEmail(normalizeEmail(who))
        : await ctx.stores.users.findById(who);
      if (!user) throw new CliError(`no such user: ${who}`, EXIT_BAD);
      const updated = await setUserClaims(
        {
          users: ctx.stores.users,
          tokens: ctx.services.tokens,
          revocations: ctx.services.revocations,
          audit: ctx.services.audit,
          clock: ctx.clock,
        },
        user.id,
        claims,
        { revokeTokens: values['revoke-tokens'] },
        'cli',
      );
      const described = describeUser(updated);
      if (values.json) io.out(JSON.stringify({ user: described }));
      else io.out(`${described.id}  ${described.email}  claims=${JSON.stringify(described.claims)}`);
      return EXIT_OK;
    });
  },
};
