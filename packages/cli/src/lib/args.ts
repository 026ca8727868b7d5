// A thin layer over node:util parseArgs that turns its errors into short UsageErrors
// (`unknown option --foo`) and adds the checks every command repeats.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../command.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Strict<O extends Options> = { args: string[]; options: O; allowPositionals: true; strict: true };
/** What parseOptions returns: typed `values` and the positionals. */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<Strict<O>>>;

/** Parses argv strictly (unknown options are usage errors). `-` is a positional (stdin). */
export function parseOptions<const O extends Options>(argv: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describeParseError(err), { cause: err });
  }
}

function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      // An "option" that is not option-shaped is a value that starts with '-' (a base64url
      // secret, say): say so, and never print more of it than its first character.
      if (/^--[a-z][a-z0-9-]{0,40}$/.test(quoted)) return `unknown option ${quoted}`;
      return `unknown option ${quoted.slice(0, 2)}… (a value that starts with '-' goes after --)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted.split(' ')[0] ?? quoted;
      return message.includes('argument missing') ? `${name} needs a value` : `${name} does not take a value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}`;
    default:
      return message.split('.')[0] ?? message;
  }
}

/** Returns the option's value or throws `--name is required`. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** At most `max` positionals; returns the first one (or undefined). */
export function onePositional(positionals: string[], what: string, max = 1): string | undefined {
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument '${positionals[max]}' (only one ${what} is taken)`);
  }
  return positionals[0];
}

/** Parses a non-negative integer option, or throws a usage error naming it. */
export function parseCount(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return Number(value);
}
