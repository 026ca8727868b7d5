// Names the server owns in an access token; application claims (per-user or from the claims hook)
// may not use them, so an admin or a hook can never forge a subject, a role, an audience or a
// delegation chain.
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'sid',
  'roles',
  'scope',
  'client_id',
  'act',
  'cnf',
  'amr',
  'acr',
  'auth_time',
  'azp',
  'typ',
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const MAX_DEPTH = 4;

/** Why `claims` cannot be application claims (naming the claim), or undefined when they can. */
export function claimsProblem(claims: unknown): string | undefined {
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    return 'claims must be a JSON object';
  }
  for (const [name, value] of Object.entries(claims)) {
    if (RESERVED_CLAIMS.has(name)) return `claim "${name}" is reserved by the server`;
    if (!NAME.test(name)) {
      return `claim name "${name.slice(0, 64)}" must be a word of letters, digits, _ . : - (at most 64)`;
    }
    const bad = valueProblem(value, 1);
    if (bad) return `claim "${name}" ${bad}`;
  }
  return undefined;
}

function valueProblem(value: unknown, depth: number): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'must be a finite number';
  if (depth > MAX_DEPTH) return `is nested deeper than ${MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const bad = valueProblem(item, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    for (const item of Object.values(value)) {
      const bad = valueProblem(item, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  return 'must be JSON (string, number, boolean, null, array or object)';
}
