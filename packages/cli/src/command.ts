// The contract every `tessera` command implements (docs/contracts.md, "CLI command registry").
// Commands never call process.exit: they return an exit code, so tests and main() stay in control.

/** Exit codes everywhere. */
export const EXIT_OK = 0;
/** The thing checked is bad: an invalid token, a weak secret. */
export const EXIT_BAD = 1;
/** Usage or configuration error: unknown option, missing argument, unreadable file, unusable key. */
export const EXIT_USAGE = 2;

/** Where a command reads and writes. main() passes the process streams; tests may pass others. */
export interface Io {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Writes one line (a newline is added) to stdout. */
  out(line: string): void;
  /** Writes one line (a newline is added) to stderr. */
  err(line: string): void;
}

export interface Command {
  /** One or two words: 'serve', 'token verify'. main() dispatches on them. */
  readonly name: string;
  /** One line for `tessera --help`. */
  readonly summary: string;
  /** The full help text for `tessera <name> --help` (synopsis, options, an example). */
  readonly usage: string;
  /** argv holds what follows the command words. Returns the exit code. */
  run(argv: string[], io: Io): Promise<number>;
}

/**
 * A registry entry whose module is imported only when it runs (or shows its help), so that
 * commands which pull in the whole server (`serve`, `migrate`, ...) do not slow down the rest.
 */
export interface LazyCommand {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export type CommandEntry = Command | LazyCommand;

/**
 * Registers a command by name and summary; `load` imports its module on first use. The server's
 * commands need @tessera/server, an optional peer of the CLI (the token, key and secret commands
 * work without it): when it is not installed, the error says what to install.
 */
export function lazy(name: string, summary: string, load: () => Promise<Command>): LazyCommand {
  return {
    name,
    summary,
    load: () =>
      load().catch((err: unknown) => {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes("'@tessera/server'")) {
          throw new CliError(
            `'tessera ${name}' needs the @tessera/server package, which is not installed: run npm install @tessera/server`,
            EXIT_USAGE,
          );
        }
        throw err;
      }),
  };
}

/** An error that main() prints as one line `tessera: <message>` and turns into an exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Usage or configuration error: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT_USAGE, options);
    this.name = 'UsageError';
  }
}
