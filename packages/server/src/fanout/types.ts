// Fan-out between instances: a small signal ("the store has a revocation up to cursor N", "the
// keyring changed") so other instances read the store now instead of at their next poll. The
// signal carries no revocation data: the store stays the single source of truth, and a lost
// signal only costs latency, never correctness (the poll still runs).

/** What one instance tells the others. */
export type FanoutSignal = { kind: 'revocation'; cursor: number } | { kind: 'keys' };

export type FanoutMode = 'redis' | 'postgres' | 'local';

/** One transport (Redis pub/sub, PostgreSQL LISTEN/NOTIFY, in-process). */
export interface FanoutTransport {
  readonly mode: FanoutMode;
  /** Subscribes; resolves once listening or once the first attempt failed (it keeps retrying). */
  start(onSignal: (signal: FanoutSignal) => void): Promise<void>;
  /** Best effort: never throws, never blocks a request on a slow or dead broker. */
  publish(signal: FanoutSignal): void;
  /** True while signals are believed to be delivered (false: other instances rely on polling). */
  readonly connected: boolean;
  stop(): Promise<void>;
}

/** The subset of a pino logger the fan-out uses. */
export interface FanoutLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Each instance tags its messages so it ignores its own echo. */
export interface FanoutMessage {
  from: string;
  signal: FanoutSignal;
}

/** Parses a message from the wire; anything malformed is dropped (returns undefined). */
export function parseMessage(text: string): FanoutMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<FanoutMessage> | null;
    const signal = value?.signal as Partial<FanoutSignal> | undefined;
    if (typeof value?.from !== 'string' || !signal) return undefined;
    if (signal.kind === 'keys') return { from: value.from, signal: { kind: 'keys' } };
    if (signal.kind === 'revocation' && Number.isSafeInteger(signal.cursor)) {
      return { from: value.from, signal: { kind: 'revocation', cursor: signal.cursor as number } };
    }
    return undefined;
  } catch {
    return undefined;
  }
}
