// Builds the Mailer the configuration asks for: SMTP when TESSERA_SMTP_URL is set, otherwise .eml
// files in TESSERA_MAIL_DIR (default: `mail/` beside the SQLite file, or ./.tessera/mail).
// Production never gets here without SMTP when mail is on (config/accounts-config.ts refuses).
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import { createEmlTransport, createSmtpTransport } from './mail-transport.js';
import { createMailer, type Mailer } from './mailer.js';
import { loadTemplates } from './templates.js';

export function mailDirFor(config: Pick<Config, 'databaseUrl' | 'accounts'>, cwd = process.cwd()): string {
  if (config.accounts.mailDir) return resolve(cwd, config.accounts.mailDir);
  const url = config.databaseUrl;
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : '';
  if (path === '' || path === ':memory:') return join(cwd, '.tessera', 'mail');
  return join(resolve(cwd, path), '..', 'mail');
}

export function createMailerFromConfig(
  config: Pick<Config, 'databaseUrl' | 'accounts'>,
  opts: { logger: Logger; registry?: Registry; cwd?: string },
): Mailer {
  const a = config.accounts;
  const transport = a.smtpUrl
    ? createSmtpTransport(a.smtpUrl)
    : createEmlTransport(mailDirFor(config, opts.cwd));
  const mailer = createMailer({
    transport,
    templates: loadTemplates(a.templatesDir ? resolve(opts.cwd ?? process.cwd(), a.templatesDir) : undefined),
    from: a.mailFrom,
    logger: opts.logger,
    attempts: a.retry.attempts,
    baseDelayMs: a.retry.baseDelaySec * 1000,
    ...(opts.registry ? { registry: opts.registry } : {}),
  });
  if (a.mailFlows && !a.smtpUrl) {
    opts.logger.info(
      { dir: mailDirFor(config, opts.cwd) },
      'no TESSERA_SMTP_URL: mails are written as .eml files',
    );
  }
  return mailer;
}
