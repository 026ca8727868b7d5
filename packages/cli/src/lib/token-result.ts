// How verify and decode report a bad token: the stable error code on stdout (it is the command's
// answer, not a CLI failure), exit 1. Anything that is not a TesseraError is re-thrown to main().
import { TesseraError } from '@tessera/core';
import { EXIT_BAD, type Io } from '../command.js';

/** The error's `code` when it is a TesseraError (or looks like one), else undefined. */
export function tesseraCode(err: unknown): string | undefined {
  if (err instanceof TesseraError) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^ERR_(JWT|JWS|JOSE|JWKS)_/.test(code) ? code : undefined;
}

export function reportInvalid(err: unknown, io: Io, json: boolean): number {
  const code = tesseraCode(err);
  if (code === undefined) throw err;
  const claim = (err as { claim?: unknown }).claim;
  if (json) io.out(JSON.stringify({ valid: false, code }));
  else io.out(`invalid: ${code}${typeof claim === 'string' ? ` (${claim})` : ''}: ${(err as Error).message}`);
  return EXIT_BAD;
}
