// The Mailer: renders a template and delivers it in the background. `enqueue` returns at once, so
// an HTTP request never waits for (or fails because of) the mail server; each mail is tried up to
// `attempts` times with doubling delays (capped at 10 minutes) while the server is down or refuses.
// Queued mails live in memory only — they carry one-time links, which are never stored in clear —
// so a restart drops what is still queued (the user asks again). Sent, retried and abandoned mails
// are counted in the metrics; failures are logged without the link or the address.
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TemplateName } from './default-templates.js';
import type { MailTransport } from './mail-transport.js';
import type { Templates, TemplateVars } from './templates.js';

const MAX_DELAY_MS = 10 * 60_000;
const CONCURRENCY = 4;

export interface OutgoingMail {
  to: string;
  template: TemplateName;
  vars: TemplateVars;
  /** For logs: whose mail it is (never the address). */
  userId?: string;
}

export interface Mailer {
  readonly transport: MailTransport['kind'];
  /** Queues the mail; delivery and retries happen in the background. Never throws. */
  enqueue(mail: OutgoingMail): void;
  /** Delivers with the same retries and waits for the outcome (the CLI). Returns the .eml path if any. */
  send(mail: OutgoingMail): Promise<{ path?: string }>;
  /** Resolves when every queued mail has been delivered or abandoned. */
  idle(): Promise<void>;
  /** Mails queued or being retried. */
  readonly pending: number;
  /** Stops retrying; what is still queued is logged as dropped. */
  close(): void;
}

export interface CreateMailerOptions {
  transport: MailTransport;
  templates: Templates;
  from: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  attempts: number;
  baseDelayMs: number;
  registry?: Registry;
}

interface Job {
  mail: OutgoingMail;
  attempt: number;
  settle?: { resolve: (v: { path?: string }) => void; reject: (e: Error) => void };
}

export function createMailer(opts: CreateMailerOptions): Mailer {
  const registers = opts.registry ? [opts.registry] : [];
  const sent = new Counter({
    name: 'tessera_mail_sent_total',
    help: 'Mails delivered (to SMTP, or written as .eml in development), by template',
    labelNames: ['template'] as const,
    registers,
  });
  const attemptFailures = new Counter({
    name: 'tessera_mail_attempt_failures_total',
    help: 'Delivery attempts that failed and will be retried, by template',
    labelNames: ['template'] as const,
    registers,
  });
  const failed = new Counter({
    name: 'tessera_mail_failed_total',
    help: 'Mails abandoned after the last attempt, by template',
    labelNames: ['template'] as const,
    registers,
  });
  const queued = new Gauge({
    name: 'tessera_mail_queue',
    help: 'Mails waiting for delivery or a retry',
    registers,
  });

  const ready: Job[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let active = 0;
  let pending = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  function setPending(delta: number): void {
    pending += delta;
    queued.set(pending);
    if (pending === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  function pump(): void {
    while (active < CONCURRENCY && ready.length > 0 && !closed) {
      const job = ready.shift() as Job;
      active += 1;
      void attempt(job).finally(() => {
        active -= 1;
        pump();
      });
    }
  }

  async function attempt(job: Job): Promise<void> {
    const { mail } = job;
    job.attempt += 1;
    try {
      const rendered = opts.templates.render(mail.template, mail.vars);
      const result = await opts.transport.deliver({ from: opts.from, to: mail.to, ...rendered });
      sent.inc({ template: mail.template });
      if (result.path)
        opts.logger.info({ template: mail.template, userId: mail.userId, path: result.path }, 'mail written');
      else opts.logger.info({ template: mail.template, userId: mail.userId }, 'mail sent');
      // The link is a credential: only at debug, for a developer reading their own console.
      if (mail.vars.link) opts.logger.debug({ template: mail.template, link: mail.vars.link }, 'mail link');
      job.settle?.resolve(result);
      setPending(-1);
    } catch (err) {
      const reason = (err as Error).message;
      if (job.attempt >= opts.attempts || closed) {
        failed.inc({ template: mail.template });
        opts.logger.error(
          { template: mail.template, userId: mail.userId, attempts: job.attempt, err: reason },
          'mail abandoned',
        );
        job.settle?.reject(new Error(`mail not delivered after ${job.attempt} attempts: ${reason}`));
        setPending(-1);
        return;
      }
      attemptFailures.inc({ template: mail.template });
      const delay = Math.min(MAX_DELAY_MS, opts.baseDelayMs * 2 ** (job.attempt - 1));
      opts.logger.warn(
        { template: mail.template, userId: mail.userId, attempt: job.attempt, retryInMs: delay, err: reason },
        'mail delivery failed; will retry',
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        ready.push(job);
        pump();
      }, delay);
      timer.unref();
      timers.add(timer);
    }
  }

  function add(job: Job): void {
    setPending(1);
    ready.push(job);
    pump();
  }

  return {
    transport: opts.transport.kind,
    enqueue(mail) {
      if (closed) return;
      add({ mail, attempt: 0 });
    },
    send(mail) {
      return new Promise((resolve, reject) => add({ mail, attempt: 0, settle: { resolve, reject } }));
    },
    idle() {
      return pending === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    get pending() {
      return pending;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      if (pending > 0) opts.logger.warn({ dropped: pending }, 'mailer closed with mails still queued');
      opts.transport.close();
    },
  };
}
