// `tessera users create|list|set-roles|disable`: user administration against the configured
// database (TESSERA_DATABASE_URL and the rest of the server's configuration), with the same rules
// as the admin API: password policy, last-admin protection, and token revocation on changes.
import { readFileSync } from 'node:fs';
import {
  type AppContext,
  ConfigError,
  changeUser,
  closeContext,
  createContext,
  createLogger,
  createUser,
  DomainError,
  describeUser,
  loadConfig,
  MasterKeyError,
  normalizeEmail,
} from '@tessera/server';
import { CliError, type Command, EXIT_BAD, EXIT_OK, type Io, UsageError } from '../command.js';
import { onePositional, parseCount, parseOptions } from '../lib/args.js';

const DB_OPTION = { 'database-url': { type: 'string' } } as const;

/**
 * Loads the server configuration (with --database-url applied), opens storage and the services
 * like `tessera serve` does (migrations, master key, keyring), runs `fn`, and closes everything.
 */
export async function withServerContext<T>(
  io: Io,
  databaseUrl: string | undefined,
  fn: (ctx: AppContext) => Promise<T>,
): Promise<T> {
  const env = { ...io.env };
  if (databaseUrl !== undefined) env.TESSERA_DATABASE_URL = databaseUrl;
  let ctx: AppContext;
  try {
    ctx = await createContext(loadConfig(env), { logger: createLogger({ level: 'error' }) });
  } catch (err) {
    // Storage rejects a bad TESSERA_DATABASE_URL with a plain Error naming the variable.
    const named = err instanceof Error && /^TESSERA_[A-Z_]+:/.test(err.message);
    if (err instanceof ConfigError || err instanceof MasterKeyError || named) {
      throw new UsageError(`configuration error: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  try {
    return await fn(ctx);
  } catch (err) {
    // A rule of the server (weak password, taken email, last admin, unknown user): exit 1.
    if (err instanceof DomainError) throw new CliError(err.message, EXIT_BAD, { cause: err });
    throw err;
  } finally {
    await closeContext(ctx);
  }
}

/** A user named by id (`u_...`) or email. */
export async function findUser(ctx: AppContext, who: string) {
  const user = who.includes('@')
    ? await ctx.stores.users.findByEmail(normalizeEmail(who))
    : await ctx.stores.users.findById(who);
  if (!user) throw new CliError(`no such user: ${who}`, EXIT_BAD);
  return user;
}

function parseRoles(text: string): string[] {
  const roles = text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (roles.length === 0) throw new UsageError('give at least one role, e.g. user,admin');
  // The admin API's rule: lower-case words, so roles fit tokens and X-Auth-Roles headers.
  const bad = roles.find((r) => !/^[a-z][a-z0-9_:-]{0,31}$/.test(r));
  if (bad !== undefined)
    throw new UsageError(`invalid role '${bad}': use lower-case words (a-z, 0-9, _ : -)`);
  return roles;
}

async function readPassword(io: Io, file: string | undefined): Promise<string> {
  let text: string;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --password-file ${file}`, { cause: err });
    }
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
    text = Buffer.concat(chunks).toString('utf8');
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('no password: pipe it on stdin or give --password-file FILE');
  return password;
}

function printUser(io: Io, json: boolean | undefined, user: ReturnType<typeof describeUser>): void {
  if (json) io.out(JSON.stringify({ user }));
  else io.out(`${user.id}  ${user.email}  roles=${user.roles.join(',')}${user.disabled ? '  DISABLED' : ''}`);
}

export const usersCreate: Command = {
  name: 'users create',
  summary: 'create a user (password from stdin or a file)',
  usage: `Usage: tessera users create EMAIL [--roles R1,R2] [--password-file FILE] [--database-url URL] [--json]

Creates a user in the configured database. The password is read from --password-file or from
standard input (never from the command line, which ends up in shell history); one trailing
newline is ignored. The server's password policy applies.

Exit codes: 0 created, 1 refused (weak password, email taken), 2 usage or configuration error.

Example:
  printf '%s' "$ADMIN_PASSWORD" | tessera users create ops@example.com --roles admin`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      roles: { type: 'string' },
      'password-file': { type: 'string' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    const email = onePositional(positionals, 'email');
    if (email === undefined) throw new UsageError('EMAIL is required');
    const roles = values.roles === undefined ? ['user'] : parseRoles(values.roles);
    const password = await readPassword(io, values['password-file']);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const user = await createUser(userAdminDeps(ctx), { email, password, roles }, { sub: 'cli' });
      printUser(io, values.json, describeUser(user));
      return EXIT_OK;
    });
  },
};

export const usersList: Command = {
  name: 'users list',
  summary: 'list users (newest first)',
  usage: `Usage: tessera users list [--limit N] [--database-url URL] [--json]

Lists users, newest first: id, email, roles, and DISABLED for disabled accounts.

Options:
  --limit N   at most N users (default 100)
  --json      print {"users": [...]}`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      limit: { type: 'string' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    onePositional(positionals, 'argument', 0);
    const limit = parseCount(values.limit, 'limit', 100);
    if (limit < 1) throw new UsageError('--limit must be at least 1');
    return withServerContext(io, values['database-url'], async (ctx) => {
      const users = (await ctx.stores.users.list({ limit })).map(describeUser);
      if (values.json) io.out(JSON.stringify({ users }));
      else if (users.length === 0) io.out('no users');
      else for (const u of users) printUser(io, false, u);
      return EXIT_OK;
    });
  },
};

export const usersSetRoles: Command = {
  name: 'users set-roles',
  summary: "replace a user's roles (their live tokens are revoked)",
  usage: `Usage: tessera users set-roles ID|EMAIL R1,R2 [--database-url URL] [--json]

Replaces the user's roles. Access tokens issued before the change stop verifying (the next
refresh issues tokens with the new roles). The last admin cannot lose the admin role.

Example:
  tessera users set-roles ops@example.com user,admin`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, ...DB_OPTION });
    if (positionals.length !== 2)
      throw new UsageError('give the user (id or email) and the roles, e.g. u_123 user,admin');
    const [who, rolesText] = positionals as [string, string];
    const roles = parseRoles(rolesText);
    return withServerContext(io, values['database-url'], async (ctx) => {
      const user = await findUser(ctx, who);
      const updated = await changeUser(userAdminDeps(ctx), user.id, { roles }, 'cli');
      printUser(io, values.json, describeUser(updated));
      return EXIT_OK;
    });
  },
};

export const usersDisable: Command = {
  name: 'users disable',
  summary: 'disable a user: revoke every session and token (--enable to undo)',
  usage: `Usage: tessera users disable ID|EMAIL [--enable] [--database-url URL] [--json]

Disables the account: it cannot log in, every session (refresh family) is revoked and its
access tokens stop verifying on every instance and every verifier following the revocation feed.
--enable turns the account back on (sessions stay revoked).`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      enable: { type: 'boolean' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    const who = onePositional(positionals, 'user');
    if (who === undefined) throw new UsageError('give the user (id or email)');
    return withServerContext(io, values['database-url'], async (ctx) => {
      const user = await findUser(ctx, who);
      const updated = await changeUser(userAdminDeps(ctx), user.id, { disabled: !values.enable }, 'cli');
      printUser(io, values.json, describeUser(updated));
      return EXIT_OK;
    });
  },
};

function userAdminDeps(ctx: AppContext) {
  return {
    users: ctx.stores.users,
    revocations: ctx.services.revocations,
    sessions: ctx.services.sessions,
    audit: ctx.services.audit,
    clock: ctx.clock,
  };
}
