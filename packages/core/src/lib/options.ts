// Small validators for option objects: a bad option is a programming error, so it is a TypeError
// that names the dotted option path (never a TesseraError).

export function assertObject(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${path} must be an object`);
  }
  return value as Record<string, unknown>;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${path} must be a non-empty string`);
  return value;
}

/** A string or a non-empty array of strings, as a Set (undefined when not given). */
export function optionalStringSet(value: unknown, path: string): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return new Set([value]);
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((v, i) => {
      if (typeof v !== 'string' || v.length === 0)
        throw new TypeError(`${path}[${i}] must be a non-empty string`);
    });
    return new Set(value as string[]);
  }
  throw new TypeError(`${path} must be a non-empty string or a non-empty array of strings`);
}

export function optionalFunction<T>(value: unknown, path: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${path} must be a function`);
  return value as T;
}

export function optionalPositiveInt(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${path} must be a positive integer`);
  }
  return value;
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new TypeError(`${path} must be a boolean`);
  return value;
}
