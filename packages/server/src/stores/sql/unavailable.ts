// Maps "the database is not there" failures to StorageUnavailableError at the driver boundary, so
// every store method reports them the same way (503 at the HTTP edge) without try/catch in each
// query. Constraint violations, syntax errors etc. pass through untouched.
import type { DatabaseConnection, Dialect, Driver } from 'kysely';
import { StorageUnavailableError } from '../types.js';

// Node socket errors and PostgreSQL SQLSTATEs meaning "cannot talk to the server right now".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  '53300', // too_many_connections
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  'SQLITE_BUSY', // another process held the write lock past busy_timeout
]);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /not queryable/i,
  /cannot use a pool after calling end/i,
];

export function isUnavailableError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  if (err instanceof StorageUnavailableError) return true;
  const { code, message, errors } = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true; // 08: connection_exception
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return true;
  // `localhost` may resolve to ::1 and 127.0.0.1: Node reports an AggregateError of both.
  return Array.isArray(errors) && errors.some(isUnavailableError);
}

function mapError(err: unknown): never {
  if (err instanceof StorageUnavailableError || !isUnavailableError(err)) throw err;
  throw new StorageUnavailableError({ cause: err });
}

// Proxied connection → the driver's own object, handed back unwrapped (Kysely's drivers keep
// #private fields, which a Proxy cannot reach).
const ORIGINAL = new WeakMap<object, object>();

function unwrap(arg: unknown): unknown {
  return arg !== null && typeof arg === 'object' ? (ORIGINAL.get(arg) ?? arg) : arg;
}

/** A proxy whose promise-returning methods map unavailability errors, called on the real target. */
function mapped<T extends object>(target: T, onResult: (method: PropertyKey, value: unknown) => unknown): T {
  const proxy = new Proxy(target, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(obj, args.map(unwrap));
        return result instanceof Promise ? result.then((v) => onResult(prop, v), mapError) : result;
      };
    },
  });
  ORIGINAL.set(proxy, target);
  return proxy;
}

/** Wraps a Kysely dialect so its driver and connections throw StorageUnavailableError when the database is gone. */
export function withUnavailableMapping(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: (): Driver =>
      mapped(dialect.createDriver(), (method, value) =>
        method === 'acquireConnection' ? mapped(value as DatabaseConnection, (_, v) => v) : value,
      ),
  };
}
