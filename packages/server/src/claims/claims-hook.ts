// The claims hook (TESSERA_CLAIMS_MODULE): an ES module whose default export computes extra claims
// for each access token. Loaded once at start-up, where a missing module or a default export that
// is not a function refuses to start; run with a time limit, and a throw or a timeout fails closed.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/config.js';

export interface ClaimsHookInput {
  user: { id: string; email: string; roles: string[]; claims: Record<string, unknown> };
  session: { id: string } | null;
  client: { id: string; name: string } | null;
  audience: string | string[];
  scope: string | undefined;
}

export type ClaimsHook = (input: ClaimsHookInput) => unknown;

/** Imports the module at start-up; throws ConfigError (exit 2) naming TESSERA_CLAIMS_MODULE. */
export async function loadClaimsHook(specifier: string, cwd = process.cwd()): Promise<ClaimsHook> {
  const url =
    isAbsolute(specifier) || specifier.startsWith('.')
      ? pathToFileURL(resolve(cwd, specifier)).href
      : specifier;
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (err) {
    throw new ConfigError(
      'TESSERA_CLAIMS_MODULE',
      `cannot load ${specifier}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof module.default !== 'function') {
    throw new ConfigError(
      'TESSERA_CLAIMS_MODULE',
      `${specifier} must have a default export: async ({user, session, client, audience, scope}) => object`,
    );
  }
  return module.default as ClaimsHook;
}

export class ClaimsHookError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClaimsHookError';
  }
}

/** Runs the hook under `timeoutMs`; resolves to its object or rejects with ClaimsHookError. */
export async function runClaimsHook(
  hook: ClaimsHook,
  input: ClaimsHookInput,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ClaimsHookError(`the claims hook did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => hook(input)), timeout]);
    if (result === undefined || result === null) return {};
    if (typeof result !== 'object' || Array.isArray(result)) {
      throw new ClaimsHookError('the claims hook must return an object');
    }
    return result as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ClaimsHookError) throw err;
    throw new ClaimsHookError(`the claims hook threw: ${(err as Error)?.message ?? String(err)}`, {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
}
