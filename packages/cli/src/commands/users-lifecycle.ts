// `tessera users import|reset-password|delete`: moving users in from another system, sending (or
// printing) a password-reset link, and erasing an account — the same operations as the admin API,
// against the configured database and mail settings.
import { createReadStream, statSync } from 'node:fs';
import { parseDuration } from '@tessera/core';
import { type ImportOutcome, type ImportReport, importUsers } from '@tessera/server';
import { type Command, EXIT_BAD, EXIT_OK, UsageError } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';
import { findUser, withServerContext } from './users.js';

const DB_OPTION = { 'database-url': { type: 'string' } } as const;

function printOutcome(o: ImportOutcome, out: (line: string) => void): void {
  const who = [o.email, o.id].filter(Boolean).join(' ');
  out(`line ${o.line}: ${o.action}${who ? ` ${who}` : ''}${o.reason ? `: ${o.reason}` : ''}`);
}

function printReport(r: ImportReport, out: (line: string) => void): void {
  out(
    `${r.dryRun ? 'dry run: would have ' : ''}created ${r.created}, updated ${r.updated}, skipped ${r.skipped} of ${r.lines} lines`,
  );
  for (const [reason, n] of Object.entries(r.skippedByReason)) out(`  skipped (${reason}): ${n}`);
  if (r.withoutPassword > 0)
    out(`  created without a password (need a reset to sign in): ${r.withoutPassword}`);
  if (r.withClaims > 0) out(`  with application claims: ${r.withClaims}`);
}

export const usersImport: Command = {
  name: 'users import',
  summary: 'import users from JSON lines (bcrypt, argon2 and PBKDF2 hashes kept)',
  usage: `Usage: tessera users import FILE|- [--dry-run] [--send-reset] [--reset-ttl DURATION] [--verbose] [--json] [--database-url URL]

Reads one JSON object per line:
  {"id": "...", "email": "...", "password_hash": "...", "roles": ["user"], "email_verified": true, "claims": {...}}
Only email is required. Existing ids are kept (new users without one get a Tessera id). Password
hashes from bcrypt ($2a$, $2b$, $2y$), argon2 ($argon2id$, $argon2i$) and Django (pbkdf2_sha256$)
are stored as they are and replaced by Tessera's argon2id at each user's first login. Users
without a hash cannot sign in until they reset their password (--send-reset mails them a link).

Idempotent by email: a re-run changes nothing. An existing user gets only what it lacks (roles
that differ, email_verified=true, a password if it had none); a changed or upgraded password is
never overwritten. Lines that cannot be imported are reported with their number and the rest
goes on. claims become the user's application claims (reserved names skip the line).

Options:
  --dry-run            check and report, write nothing
  --send-reset         mail a password-reset link to each created user without a hash
  --reset-ttl DURATION lifetime of those links (default 7d)
  --verbose            also list every created user
  --json               one JSON object per reported line, then {"report": {...}}

Exit codes: 0 every line imported or unchanged, 1 some lines skipped for a problem, 2 usage error.

Example:
  tessera users import users.jsonl --dry-run && tessera users import users.jsonl`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      'dry-run': { type: 'boolean' },
      'send-reset': { type: 'boolean' },
      'reset-ttl': { type: 'string' },
      verbose: { type: 'boolean' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    const file = onePositional(positionals, 'file');
    if (file === undefined) throw new UsageError('FILE is required (or - for standard input)');
    if (file !== '-') {
      try {
        if (!statSync(file).isFile()) throw new Error('not a file');
      } catch (err) {
        throw new UsageError(`cannot read ${file}`, { cause: err });
      }
    }
    let resetTtl = 7 * 86400;
    if (values['reset-ttl'] !== undefined) {
      try {
        resetTtl = parseDuration(values['reset-ttl']);
      } catch (err) {
        throw new UsageError(`--reset-ttl: expected a duration such as 30m, 7d`, { cause: err });
      }
    }
    const source =
      file === '-'
        ? (io.stdin as AsyncIterable<Buffer>)
        : createReadStream(file, { highWaterMark: 256 * 1024 });
    return withServerContext(io, values['database-url'], async (ctx) => {
      const lifecycle = ctx.services.lifecycle;
      let mailed = 0;
      const report = await importUsers(source, ctx, {
        dryRun: values['dry-run'] === true,
        onOutcome(o) {
          if (o.action === 'created' && !values.verbose) return;
          if (o.action === 'skipped' && o.reason === 'unchanged' && !values.verbose) return;
          if (values.json) io.out(JSON.stringify(o));
          else printOutcome(o, (l) => io.out(l));
        },
        ...(values['send-reset']
          ? {
              async onCreatedWithoutPassword(user) {
                await lifecycle.adminPasswordReset(user.id, 'import', { ttlSec: resetTtl });
                mailed += 1;
                // Bounded: never more than a few hundred mails waiting in memory.
                if (lifecycle.mailPending > 200) await lifecycle.mailIdle();
              },
            }
          : {}),
      });
      if (values['send-reset']) await lifecycle.mailIdle();
      if (!report.dryRun) {
        await ctx.services.audit.record('users_imported', {
          actor: 'cli',
          details: {
            created: report.created,
            updated: report.updated,
            skipped: report.skipped,
            reset_mails: mailed,
          },
        });
      }
      if (values.json) io.out(JSON.stringify({ report: { ...report, resetMails: mailed } }));
      else {
        printReport(report, (l) => io.out(l));
        if (values['send-reset']) io.out(`  reset mails sent: ${mailed}`);
      }
      const problems = report.skipped - (report.skippedByReason.unchanged ?? 0);
      return problems > 0 ? EXIT_BAD : EXIT_OK;
    });
  },
};

export const usersResetPassword: Command = {
  name: 'users reset-password',
  summary: 'mail a password-reset link to a user (or print it with --link)',
  usage: `Usage: tessera users reset-password ID|EMAIL [--link] [--ttl DURATION] [--json] [--database-url URL]

Issues a one-time password-reset link (any older reset link of the user stops working) and mails
it to the user through the configured mail settings (TESSERA_SMTP_URL, or an .eml file in
development). With --link the link is printed instead of mailed, for you to hand over; treat it
like a password. The user's sessions are revoked when the link is used.

Options:
  --link           print the link, send nothing
  --ttl DURATION   link lifetime (default TESSERA_RESET_PASSWORD_TTL, 30m)`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      link: { type: 'boolean' },
      ttl: { type: 'string' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    const who = onePositional(positionals, 'user');
    if (who === undefined) throw new UsageError('give the user (id or email)');
    let ttlSec: number | undefined;
    if (values.ttl !== undefined) {
      try {
        ttlSec = parseDuration(values.ttl);
      } catch (err) {
        throw new UsageError('--ttl: expected a duration such as 30m, 1d', { cause: err });
      }
    }
    return withServerContext(io, values['database-url'], async (ctx) => {
      const user = await findUser(ctx, who);
      const result = await ctx.services.lifecycle.adminPasswordReset(user.id, 'cli', {
        returnLink: values.link === true,
        wait: true,
        ...(ttlSec ? { ttlSec } : {}),
      });
      const expires = new Date(result.expiresAt).toISOString();
      if (values.json) {
        io.out(JSON.stringify({ id: user.id, email: user.email, expires_at: expires, ...result }));
      } else if (result.link) {
        io.out(result.link);
      } else {
        io.out(
          `reset link sent to ${user.email} (expires ${expires})${result.path ? `: ${result.path}` : ''}`,
        );
      }
      return EXIT_OK;
    });
  },
};

export const usersDelete: Command = {
  name: 'users delete',
  summary: 'erase a user: rows, sessions and tokens go; the audit trail keeps the id',
  usage: `Usage: tessera users delete ID|EMAIL --yes [--database-url URL] [--json]

Erases the account: every session and refresh token is revoked (access tokens stop verifying on
every instance and every verifier following the revocation feed), then the user's rows, sessions,
refresh tokens and mail links are deleted. Audit rows about the user stay, reduced to the user id
(IP, session and details cleared). The last admin cannot be deleted. --yes is required.`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      yes: { type: 'boolean' },
      json: { type: 'boolean' },
      ...DB_OPTION,
    });
    const who = onePositional(positionals, 'user');
    if (who === undefined) throw new UsageError('give the user (id or email)');
    if (!values.yes) throw new UsageError('erasure cannot be undone: add --yes');
    return withServerContext(io, values['database-url'], async (ctx) => {
      const user = await findUser(ctx, who);
      await ctx.services.lifecycle.eraseUser(user.id, 'cli');
      if (values.json) io.out(JSON.stringify({ deleted: user.id }));
      else io.out(`deleted ${user.id} (${user.email})`);
      return EXIT_OK;
    });
  },
};
