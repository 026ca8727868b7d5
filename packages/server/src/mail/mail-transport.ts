// Where a mail goes: an SMTP server (TESSERA_SMTP_URL, through Nodemailer: smtp:// with STARTTLS
// when offered, smtps:// for implicit TLS, credentials in the URL), or — in development without
// SMTP — an .eml file in the mail folder, readable by any mail client. Files are 0600: they hold
// one-time links.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'eml';
  /** Delivers or throws. Returns the .eml path for file delivery. */
  deliver(message: MailMessage): Promise<{ path?: string }>;
  close(): void;
}

export function createSmtpTransport(url: string): MailTransport {
  const transport = createTransport({
    url,
    // Bounded waits, so a hanging server turns into a retry rather than a stuck queue. Query
    // parameters of the URL (?connectionTimeout=..., ?requireTLS=true, ?tls.servername=...) win.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof createTransport>[0]);
  return {
    kind: 'smtp',
    async deliver(message) {
      await transport.sendMail(message);
      return {};
    },
    close: () => transport.close(),
  };
}

export function createEmlTransport(dir: string): MailTransport {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'eml',
    async deliver(message) {
      const info = (await composer.sendMail(message)) as unknown as { message: Buffer };
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const path = join(dir, `${stamp}-${randomBytes(4).toString('hex')}.eml`);
      writeFileSync(path, info.message, { mode: 0o600 });
      return { path };
    },
    close: () => undefined,
  };
}
