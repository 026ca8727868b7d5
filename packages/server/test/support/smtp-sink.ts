// Test support: a real SMTP server in this process (smtp-server) that parses what arrives with
// mailparser. It can refuse mail (451) or go down and come back on the same port, to test retries.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The first link to a /console/ page in the text body. */
  link: string | undefined;
  /** The token of that link. */
  token: string | undefined;
  /** The session was upgraded to TLS (STARTTLS or smtps) and authenticated as this user. */
  secure: boolean;
  user: string | undefined;
  parsed: ParsedMail;
}

export interface SmtpSink {
  readonly port: number;
  /** `smtp://127.0.0.1:PORT` (plain, STARTTLS off) unless the sink was made otherwise. */
  readonly url: string;
  readonly mails: ReceivedMail[];
  /** Resolves with the first received mail matching, waiting up to `timeoutMs`. */
  waitFor(match: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Mails to `to` so far. */
  to(address: string): ReceivedMail[];
  /** While true, every message is refused with 451 (a temporary failure). */
  refusing: boolean;
  /** Stops listening (connections are refused) / listens again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(
  opts: { tls?: 'none' | 'starttls' | 'implicit'; users?: Record<string, string> } = {},
): Promise<SmtpSink> {
  const tls = opts.tls ?? 'none';
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const sink = { refusing: false } as SmtpSink & { refusing: boolean };
  const serverOptions: SMTPServerOptions = {
    secure: tls === 'implicit',
    disabledCommands: tls === 'none' ? ['STARTTLS', 'AUTH'] : opts.users ? [] : ['AUTH'],
    authOptional: !opts.users,
    logger: false,
    onAuth(auth, _session, callback) {
      if (opts.users && opts.users[auth.username ?? ''] === auth.password) {
        callback(null, { user: auth.username });
      } else callback(new Error('535 authentication failed'));
    },
    onData(stream, session, callback) {
      if (sink.refusing) {
        stream.resume();
        stream.on('end', () => {
          const err = new Error('451 try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          callback(err);
        });
        return;
      }
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? '';
          const link = /https?:\/\/\S+\/console\/[\w-]+\?token=[\w-]+/.exec(text)?.[0];
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: parsed.subject ?? '',
            text,
            html: typeof parsed.html === 'string' ? parsed.html : '',
            link,
            token: link ? (new URL(link).searchParams.get('token') ?? undefined) : undefined,
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
            parsed,
          });
          for (const w of waiters) w();
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  };
  let server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const scheme = tls === 'implicit' ? 'smtps' : 'smtp';
  Object.assign(sink, {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    mails,
    to: (address: string) => mails.filter((m) => m.to === address),
    waitFor(match: (m: ReceivedMail) => boolean, timeoutMs = 10_000) {
      return new Promise<ReceivedMail>((resolve, reject) => {
        const check = () => {
          const found = mails.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms (got ${mails.length})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async down() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async up() {
      server = new SMTPServer(serverOptions);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return sink;
}
