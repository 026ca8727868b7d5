// Reading what commands are given: a token or value as an argument or `-` (stdin), and files.
// Every failure is a UsageError naming the file, so the user sees one clear line (exit 2).
import { readFileSync } from 'node:fs';
import type { Io } from '../command.js';
import { UsageError } from '../command.js';

/** Reads all of stdin as bytes. */
export async function readStdin(io: Io): Promise<Buffer> {
  // At a terminal, `-` would seem to hang: say what it waits for.
  if ((io.stdin as { isTTY?: boolean }).isTTY) io.err('tessera: reading from stdin (end with Ctrl-D)');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** A token from the argument, or from stdin when it is `-`; surrounding whitespace is ignored. */
export async function readToken(arg: string | undefined, io: Io): Promise<string> {
  if (arg === undefined) throw new UsageError('a token is required (or - to read it from stdin)');
  const token = (arg === '-' ? (await readStdin(io)).toString('utf8') : arg).trim();
  if (token === '') throw new UsageError(arg === '-' ? 'stdin held no token' : 'the token is empty');
  return token;
}

/** The bytes of a file, or a usage error that names it and says why it could not be read. */
export function readFileOrFail(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (code ?? 'unreadable');
    throw new UsageError(`cannot read ${option} ${path}: ${why}`, { cause: err });
  }
}

/** Drops one trailing newline (`\n` or `\r\n`), as editors and `echo` add one to secret files. */
export function withoutTrailingNewline(bytes: Buffer): Buffer {
  if (bytes.at(-1) !== 0x0a) return bytes;
  const end = bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1;
  return bytes.subarray(0, end);
}

/** Parses JSON or fails with a usage error naming the source. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}
