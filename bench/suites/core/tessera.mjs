// Loads the compiled @tessera/core (packages/core/dist), if it is built and has the public API
// the benchmark uses. Without it the suite still measures floors and peers.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ENTRY = new URL('../../../packages/core/dist/src/index.js', import.meta.url);
const API = ['importKey', 'createSigner', 'createVerifier', 'generateKey'];

/** @returns {Promise<{ core: any, reason: null } | { core: null, reason: string }>} */
export async function loadTessera() {
  if (!existsSync(fileURLToPath(ENTRY))) return { core: null, reason: 'packages/core is not built' };
  const core = await import(ENTRY.href);
  const missing = API.filter((name) => typeof core[name] !== 'function');
  if (missing.length)
    return { core: null, reason: `@tessera/core does not export ${missing.join(', ')} yet` };
  return { core, reason: null };
}
