// JSON.parse keeps the last of duplicate member names silently; RFC 7515 section 5.2 says a JOSE
// header with duplicate names must be rejected. This scanner runs on already-valid JSON (so it can
// stay small) and reports whether any object, at any depth, repeats a member name.

interface Frame {
  object: boolean;
  keys: Set<string> | undefined;
  expectKey: boolean;
}

/** True when some object in the (valid) JSON text repeats a member name, after unescaping. */
export function hasDuplicateKeys(text: string): boolean {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push({ object: true, keys: undefined, expectKey: true });
      i++;
    } else if (c === 0x5b /* [ */) {
      stack.push({ object: false, keys: undefined, expectKey: false });
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i++;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
      i++;
    } else if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        const raw = text.slice(i, end);
        const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        top.keys ??= new Set();
        if (top.keys.has(name)) return true;
        top.keys.add(name);
        top.expectKey = false;
      }
      i = end;
    } else {
      i++;
    }
  }
  return false;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return i;
}

/** Parses JSON that must be a plain object; undefined for invalid JSON or any other value. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}
