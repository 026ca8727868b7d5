// Prints the size of typical Tessera access tokens (ES256, issuer https://auth.example.com,
// audience api.example.com, the server's id lengths) as a Markdown table for the README:
//   node scripts/token-sizes.mjs
import { randomBytes } from 'node:crypto';
import { createSigner, generateKey } from '@tessera/core';

const key = generateKey('ES256'); // the default kid, as the server makes its keys: 16 thumbprint characters
const sign = createSigner({
  key,
  issuer: 'https://auth.example.com',
  audience: 'api.example.com',
  ttl: '15m',
});
const id = (bytes) => randomBytes(bytes).toString('base64url');
const user = `u_${id(12)}`;
const sid = id(12);
const client = `c_${id(12)}`;
const app = { plan: 'pro', team_id: 4217, tenant: 'acme', perms: ['orders:read', 'orders:delete'] };

const rows = [
  ['default user token (`roles: ["user"]`)', { sub: user, sid, roles: ['user'] }],
  [
    'with typical application claims (`plan`, `team_id`, `tenant`, two `perms`)',
    { ...app, sub: user, sid, roles: ['user'] },
  ],
  [
    'exchanged for another API (those claims, `act`, `scope`)',
    { ...app, sub: user, sid, roles: ['user'], act: { sub: client }, scope: 'orders:read' },
  ],
  ['service token (client_credentials, one scope)', { sub: client, client_id: client, scope: 'orders:read' }],
];
console.log('| ES256 access token | bytes |\n|---|---:|');
for (const [what, claims] of rows) console.log(`| ${what} | ${sign(claims).length} |`);
