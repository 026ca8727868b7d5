// Numbers for the README: cost of RemoteVerifier.verify (sync path) next to core's verifier, with
// and without the verified-token cache, with revocations enabled.
// Run: node packages/verify/dist/test/verify-bench.js   (not part of the test run)
import { createVerifier, importJwks } from '@tessera/core';
import { createRemoteVerifier } from '../src/index.js';
import { startIssuer } from './helpers/issuer.js';

const issuer = await startIssuer();
const tokens = Array.from({ length: 1000 }, (_, i) =>
  issuer.sign({ sub: `u${i}`, sid: `s${i}`, roles: ['user'] }),
);
const jwks = await (await fetch(`${issuer.url}/.well-known/jwks.json`)).json();

function measure(name: string, verify: (t: string) => unknown, rounds: number): Record<string, unknown> {
  for (let i = 0; i < 2000; i++) verify(tokens[i % tokens.length] as string);
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) verify(tokens[i % tokens.length] as string);
  const ns = Number(process.hrtime.bigint() - start) / rounds;
  return { name, usPerOp: Math.round(ns / 10) / 100, opsPerSec: Math.round(1e9 / ns) };
}

const base = { algorithms: ['ES256' as const], issuer: issuer.url, audience: issuer.audience, typ: 'at+jwt' };
const core = createVerifier({ ...base, keys: importJwks(jwks, { algorithms: ['ES256'] }) });
const coreCached = createVerifier({
  ...base,
  keys: importJwks(jwks, { algorithms: ['ES256'] }),
  cache: { max: 10_000 },
});
const remote = createRemoteVerifier({
  issuer: issuer.url,
  audience: issuer.audience,
  revocations: { clientId: issuer.client.id, clientSecret: issuer.client.secret, transport: 'poll' },
});
const remoteCached = createRemoteVerifier({
  issuer: issuer.url,
  audience: issuer.audience,
  cache: { max: 10_000 },
  revocations: { clientId: issuer.client.id, clientSecret: issuer.client.secret, transport: 'poll' },
});
await Promise.all([remote.ready(), remoteCached.ready()]);
const rows = [
  measure('core createVerifier (ES256)', core, 20_000),
  measure('RemoteVerifier.verify + revocations', (t) => remote.verify(t), 20_000),
  measure('core, cache hit', coreCached, 500_000),
  measure('RemoteVerifier.verify, cache hit + revocations', (t) => remoteCached.verify(t), 500_000),
];
console.table(rows);
remote.close();
remoteCached.close();
await issuer.close();
